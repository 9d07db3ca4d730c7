import type { Ppn } from '@hvsim/spec';

/**
 * A VM's pages in a list, oldest first, each at most once: append (or move to the end), remove and read the
 * oldest in O(1), over two typed arrays sized to the VM, so keeping the order costs no allocation per page.
 * Index `pages` is the sentinel that closes the ring; −1 marks a page not listed.
 */
export class PageList {
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  readonly #end: number;

  constructor(pages: number) {
    this.#next = new Int32Array(pages + 1).fill(-1);
    this.#prev = new Int32Array(pages + 1).fill(-1);
    this.#end = pages;
    this.#next[pages] = pages;
    this.#prev[pages] = pages;
  }

  /** Puts a page at the end (the newest), moving it there if it is listed already. */
  append(ppn: Ppn): void {
    this.remove(ppn);
    const last = this.#prev[this.#end]!;
    this.#next[last] = ppn;
    this.#prev[ppn] = last;
    this.#next[ppn] = this.#end;
    this.#prev[this.#end] = ppn;
  }

  /** Takes a page out of the list; nothing if it is not listed. */
  remove(ppn: Ppn): void {
    const next = this.#next[ppn]!;
    if (next === -1) return;
    const prev = this.#prev[ppn]!;
    this.#next[prev] = next;
    this.#prev[next] = prev;
    this.#next[ppn] = -1;
    this.#prev[ppn] = -1;
  }

  /** The oldest page listed, or −1 when the list is empty. */
  first(): Ppn | -1 {
    const first = this.#next[this.#end]!;
    return first === this.#end ? -1 : first;
  }
}
