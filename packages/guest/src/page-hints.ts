import { GuestPageUsage, type MemoryBus, type Ppn, type VmId } from '@hvsim/spec';
import { type PageFrames, PageUse } from './page-use';

/**
 * Guest page hinting (CMM2; Linux's arch/s390/mm/page-states.c): the guest tells the host, one ESSA per
 * change, that free pages are unused and clean page-cache pages volatile, and makes a page stable when it
 * allocates it or is about to dirty it. Without hints every call here does nothing.
 */
export class PageHints {
  /** `settings.pageHints`, read on every allocation and free. */
  readonly #enabled: boolean;
  readonly #bus: MemoryBus;
  readonly #vm: VmId;
  readonly #frames: PageFrames;

  constructor(bus: MemoryBus, vm: VmId, enabled: boolean, frames: PageFrames) {
    this.#bus = bus;
    this.#vm = vm;
    this.#enabled = enabled;
    this.#frames = frames;
  }

  /** Tells the host a page's new usage state (CMM2), when the guest gives hints. */
  hint(ppn: Ppn, usage: GuestPageUsage): void {
    if (this.#enabled) this.#bus.setPageUsage(this.#vm, ppn, usage);
  }

  /**
   * Marks a page volatile if it may be: a clean page-cache page, which the disk holds as it is (Linux's
   * page_make_volatile; no anonymous, kernel, dirty or ballooned page ever is).
   */
  makeVolatile(ppn: Ppn): void {
    if (this.#frames.use[ppn] === PageUse.Cache && !this.#frames.dirty[ppn])
      this.hint(ppn, GuestPageUsage.Volatile);
  }
}
