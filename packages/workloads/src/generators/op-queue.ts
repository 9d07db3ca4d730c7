import type { ContentId, OpBatch, OpKind } from '@hvsim/spec';

/**
 * A small fixed queue of ops, for generators whose one decision emits several ops (a block read, then the
 * write that copies it into the buffer): the ops that do not fit the batch wait here for the next fill.
 * Sized once; never grows.
 */
export class OpQueue {
  readonly #kind: Uint8Array;
  readonly #target: Float64Array;
  readonly #content: Float64Array;
  readonly #mask: number;
  #head = 0;
  #size = 0;

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.#kind = new Uint8Array(size);
    this.#target = new Float64Array(size);
    this.#content = new Float64Array(size);
    this.#mask = size - 1;
  }

  get size(): number {
    return this.#size;
  }

  push(kind: OpKind, target: number, content: ContentId): void {
    if (this.#size > this.#mask)
      throw new Error('OpQueue overflow: a generator queued more ops than it sized for');
    const at = (this.#head + this.#size++) & this.#mask;
    this.#kind[at] = kind;
    this.#target[at] = target;
    this.#content[at] = content;
  }

  /** Moves queued ops into the batch from index `i`, as far as it holds; returns the next index. */
  drain(batch: OpBatch, i: number): number {
    const { kind, target, content, capacity } = batch;
    while (this.#size > 0 && i < capacity) {
      const at = this.#head;
      kind[i] = this.#kind[at]!;
      target[i] = this.#target[at]!;
      content[i] = this.#content[at]!;
      this.#head = (at + 1) & this.#mask;
      this.#size--;
      i++;
    }
    return i;
  }
}
