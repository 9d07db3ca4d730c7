import type { Ppn } from '@hvsim/spec';

/**
 * A VM's repayment FIFO (Satori): the pages it filled with volatile data, oldest first, each at most once —
 * a page filled again while listed keeps its place. A ring over one typed array sized by the VM's pages.
 */
export class RepaymentFifo {
  readonly #ring: Int32Array;
  readonly #listed: Uint8Array;
  #head = 0;
  #size = 0;

  constructor(pages: number) {
    this.#ring = new Int32Array(pages);
    this.#listed = new Uint8Array(pages);
  }

  get size(): number {
    return this.#size;
  }

  push(ppn: Ppn): void {
    if (this.#listed[ppn] === 1) return;
    this.#listed[ppn] = 1;
    const end = this.#head + this.#size++;
    this.#ring[end < this.#ring.length ? end : end - this.#ring.length] = ppn;
  }

  /** The oldest page, removed; the FIFO must not be empty. */
  shift(): Ppn {
    const ppn = this.#ring[this.#head]!;
    this.#head = this.#head + 1 < this.#ring.length ? this.#head + 1 : 0;
    this.#size--;
    this.#listed[ppn] = 0;
    return ppn;
  }
}
