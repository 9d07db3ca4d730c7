import type { Ppn } from '@hvsim/spec';

/**
 * A VM's pages in the order they became resident, each at most once: a ring over a typed array sized to the
 * VM, so keeping the order costs no allocation per page.
 */
export class ResidencyQueue {
  readonly #ring: Int32Array;
  readonly #queued: Uint8Array;
  #head = 0;
  #size = 0;

  constructor(pages: number) {
    this.#ring = new Int32Array(pages);
    this.#queued = new Uint8Array(pages);
  }

  /** Appends a page that became resident; one already queued keeps its place. */
  push(ppn: Ppn): void {
    if (this.#queued[ppn] === 1) return;
    const n = this.#ring.length;
    this.#ring[(this.#head + this.#size) % n] = ppn;
    this.#size++;
    this.#queued[ppn] = 1;
  }

  /** The page resident longest, removed from the queue; -1 when empty. */
  shift(): Ppn | -1 {
    if (this.#size === 0) return -1;
    const ppn = this.#ring[this.#head]!;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#size--;
    this.#queued[ppn] = 0;
    return ppn;
  }
}
