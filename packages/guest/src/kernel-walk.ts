import type { Ppn, SimTime } from '@hvsim/spec';

/** Where the kernel walk sends the reads of its pages. */
export interface KernelReads {
  queue(ppn: Ppn, write: boolean, content: number): void;
}

/**
 * The kernel's own use of its pages after boot: it reads each of them once every `period` of VM time, in
 * turn, at a steady pace. A kernel page the host paged out (the boot storm of the paper's Figure 8 pages
 * Windows kernels) comes back when it is next read, and the host may share it again.
 */
export class KernelWalk {
  readonly #pages: number;
  readonly #period: SimTime;
  readonly #from: SimTime;
  /** Reads made since `from`: the next page is this one modulo the kernel's pages. */
  #done = 0;

  constructor(pages: number, period: SimTime, from: SimTime) {
    this.#pages = pages;
    this.#period = period;
    this.#from = from;
  }

  /** Reads the pages due by `now`. */
  readDue(now: SimTime, reads: KernelReads): void {
    if (now <= this.#from) return;
    const due = Math.floor(((now - this.#from) / this.#period) * this.#pages);
    for (; this.#done < due; this.#done++) reads.queue(this.#done % this.#pages, false, 0);
  }
}
