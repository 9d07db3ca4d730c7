import { type OpBatch, OpKind, type RandomStream } from '@hvsim/spec';
import type { ContentModel } from '../content/content-model';
import { Coin } from './coin';

/**
 * Puts anonymous accesses into a batch: with the write fraction's probability a write of the content model's
 * content for the page, else a read. The read-or-write choice is a Coin on a stream of its own: exact, and
 * made 32 ops at a time from a few 32-bit draws (2 for the default write fraction 0.25, about 7 for a
 * fraction with many binary digits) rather than one draw per op.
 */
export class AccessWriter {
  readonly #coin: Coin;
  readonly #model: ContentModel;
  /** Indices of the writes of a putAll, grown to the largest range seen. */
  #writes = new Uint32Array(0);

  constructor(random: RandomStream, writeFraction: number, model: ContentModel) {
    this.#coin = new Coin(random, writeFraction);
    this.#model = model;
  }

  /** Changes the share of writes (a phase may carry its own). */
  setWriteFraction(writeFraction: number): void {
    this.#coin.setProbability(writeFraction);
  }

  put(batch: OpBatch, i: number, vpn: number): void {
    batch.target[i] = vpn;
    if (this.#coin.toss()) {
      batch.kind[i] = OpKind.Write;
      batch.content[i] = this.#model.contentFor(vpn);
    } else {
      batch.kind[i] = OpKind.Read;
      batch.content[i] = 0;
    }
  }

  /**
   * Makes ops start, …, end − 1 of the batch, whose targets are already written, reads or writes: the same
   * ops, in the same order of content-model calls, as `put` on each. Written without a branch per op: the
   * coin's bits become the kinds, and only the listed writes ask the model for content.
   */
  putAll(batch: OpBatch, start: number, end: number): void {
    if (this.#writes.length < end - start) this.#writes = new Uint32Array(end - start);
    const writes = this.#writes;
    const { target, content } = batch;
    const count = this.#coin.tossInto(batch.kind, start, end, writes);
    content.fill(0, start, end);
    const model = this.#model;
    for (let j = 0; j < count; j++) {
      const i = writes[j]!;
      content[i] = model.contentFor(target[i]!);
    }
  }
}
