import type { BalloonBackdoor, Pages, Ppn, SimTime } from '@hvsim/spec';
import type { KernelServices } from './kernel-services';
import { GuestOutOfMemoryError, type PageUse } from './page-use';

/**
 * Guest pages handed to the hypervisor — a balloon, a cmm pool. Each is taken through the guest's own
 * allocator, so the guest frees or pages out memory by its own policy to make room, and reported through the
 * backdoor, after which the host holds no frame for it; given back, a page is unbacked and reads as zero.
 */
export class PinnedPages {
  readonly #pages: Ppn[] = [];
  readonly #kernel: KernelServices;
  readonly #backdoor: BalloonBackdoor;
  readonly #use: PageUse;
  /** What telling the hypervisor costs the guest per page (a DIAG 10; ESX's backdoor is not charged). */
  readonly #cost: SimTime;
  /** Whether a page given back goes on the guest's list of zeroed pages, or of freed ones it must clear. */
  readonly #returnsZeroed: boolean;

  constructor(
    kernel: KernelServices,
    backdoor: BalloonBackdoor,
    use: PageUse,
    costPerPage: SimTime,
    returnsZeroed: boolean,
  ) {
    this.#kernel = kernel;
    this.#returnsZeroed = returnsZeroed;
    this.#backdoor = backdoor;
    this.#use = use;
    this.#cost = costPerPage;
  }

  get size(): Pages {
    return this.#pages.length;
  }

  /** Takes up to `pages` more, fewer once the guest finds no page to give; returns how many. */
  take(pages: Pages): Pages {
    let taken = 0;
    for (; taken < pages; taken++) {
      let ppn: Ppn;
      try {
        ppn = this.#kernel.allocate(this.#use);
      } catch (error) {
        if (error instanceof GuestOutOfMemoryError) break;
        throw error;
      }
      this.#backdoor.balloon(this.#kernel.vm, ppn);
      this.#kernel.charge(this.#cost);
      this.#pages.push(ppn);
    }
    return taken;
  }

  /** Gives back up to `pages`, the most recently taken first; returns how many. */
  give(pages: Pages): Pages {
    const n = Math.min(pages, this.size);
    for (let i = 0; i < n; i++) {
      const ppn = this.#pages.pop()!;
      this.#backdoor.unballoon(this.#kernel.vm, ppn);
      this.#kernel.release(ppn, this.#returnsZeroed);
    }
    return n;
  }

  /**
   * The guest takes every page back without telling the hypervisor (an unloaded driver), which finds out
   * through a pop when the guest next touches each one.
   */
  forget(): void {
    for (const ppn of this.#pages) this.#kernel.release(ppn, false);
    this.#pages.length = 0;
  }
}
