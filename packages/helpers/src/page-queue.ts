/**
 * A VM's pages in the order they were pushed, each at most once — a page pushed again while queued keeps its
 * place: a ring over one typed array sized to the VM, so keeping the order costs no allocation per page. The
 * order pages became resident (FIFO host paging), or the order a guest filled them (Satori's repayment FIFO).
 */
export class PageQueue {
  readonly #ring: Int32Array;
  readonly #queued: Uint8Array;
  #head = 0;
  #size = 0;

  constructor(pages: number) {
    this.#ring = new Int32Array(pages);
    this.#queued = new Uint8Array(pages);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a page; one already queued keeps its place. */
  push(ppn: number): void {
    if (this.#queued[ppn] === 1) return;
    this.#queued[ppn] = 1;
    const end = this.#head + this.#size++;
    this.#ring[end < this.#ring.length ? end : end - this.#ring.length] = ppn;
  }

  /** The page queued longest, removed; -1 when the queue is empty. */
  shift(): number {
    if (this.#size === 0) return -1;
    const ppn = this.#ring[this.#head]!;
    this.#head = this.#head + 1 < this.#ring.length ? this.#head + 1 : 0;
    this.#size--;
    this.#queued[ppn] = 0;
    return ppn;
  }
}
