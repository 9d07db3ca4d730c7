import { type OpBatch, OpKind, type RandomStream } from '@hvsim/spec';
import type { ContentModel } from '../content/content-model';

/**
 * Puts anonymous accesses into a batch: with the write fraction's probability a write of the content model's
 * content for the page, else a read. One draw per op, from a stream of its own.
 */
export class AccessWriter {
  readonly #random: RandomStream;
  readonly #model: ContentModel;
  #writeBelow = 0;

  constructor(random: RandomStream, writeFraction: number, model: ContentModel) {
    this.#random = random;
    this.#model = model;
    this.setWriteFraction(writeFraction);
  }

  /** Changes the share of writes (a phase may carry its own). */
  setWriteFraction(writeFraction: number): void {
    this.#writeBelow = writeFraction * 2 ** 32;
  }

  put(batch: OpBatch, i: number, vpn: number): void {
    batch.target[i] = vpn;
    if (this.#random.nextU32() < this.#writeBelow) {
      batch.kind[i] = OpKind.Write;
      batch.content[i] = this.#model.contentFor(vpn);
    } else {
      batch.kind[i] = OpKind.Read;
      batch.content[i] = 0;
    }
  }
}
