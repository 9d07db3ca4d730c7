import { GuestPageUsage, type Ppn } from '@hvsim/spec';
import { FreeStack } from './free-stack';
import type { KernelParts } from './kernel-parts';
import { PageUse } from './page-use';

/** Frees a page when none is free (the kernel's reclaim), or throws GuestOutOfMemoryError. */
export interface PageReclaim {
  reclaim(use: PageUse): void;
}

/** What the page allocator needs of the rest of the kernel. */
export type AllocatorServices = Pick<
  KernelParts,
  'settings' | 'frames' | 'hints' | 'accesses' | 'bus' | 'vm'
>;

/**
 * The guest's page allocator (Linux's mm/page_alloc.c): two free lists, pages known to hold zeros and pages
 * that may not, and the zeroing a new anonymous page needs — cleared when allocated (Linux's clear_page), or
 * beforehand by a zero-page thread in idle time (Windows).
 */
export class PageAllocator {
  /** Free pages known to hold zeros, and free pages that may not. */
  readonly zeroed: FreeStack;
  readonly dirtyFree: FreeStack;
  /** Set by the kernel once it has built its reclaim, which frees pages through this allocator. */
  reclaim!: PageReclaim;
  readonly #mm: AllocatorServices;

  constructor(mm: AllocatorServices) {
    const pages = mm.frames.use.length;
    this.zeroed = new FreeStack(pages);
    this.dirtyFree = new FreeStack(pages);
    this.#mm = mm;
  }

  /** Free pages of either kind. */
  get freePages(): number {
    return this.zeroed.size + this.dirtyFree.size;
  }

  /**
   * Takes a free page for `use`, reclaiming one first when none is free. Anonymous pages come back zeroed:
   * from the zeroed list, or cleared now (a write of zeros the host sees) — unless the caller fills the
   * whole page itself (`filled`: a read from swap or disk), as a kernel never clears a page it is about to
   * overwrite. With hints, a page is made stable here, but one the caller fills stays unused until the caller
   * says what it holds after the fill (stable, or volatile for a clean cache page): one change, not two.
   */
  allocate(use: PageUse, filled = false): Ppn {
    const { settings, hints, accesses, bus, vm } = this.#mm;
    accesses.slow = true;
    accesses.flush();
    if (this.freePages === 0) this.reclaim.reclaim(use);
    let ppn: Ppn;
    if (use === PageUse.Anon && !filled) {
      ppn = this.zeroed.pop();
      // Linux keeps no zeroed list (clear_page runs on every new anonymous page); Windows clears one only
      // when its zero-page thread has not.
      const clear = ppn === -1 || settings.habits.zeroPagesPerIdleMs === 0;
      if (ppn === -1) ppn = this.dirtyFree.pop();
      hints.hint(ppn, GuestPageUsage.Stable);
      if (clear) bus.write(vm, ppn, 0);
    } else {
      ppn = this.dirtyFree.pop();
      if (ppn === -1) ppn = this.zeroed.pop();
      if (!filled) hints.hint(ppn, GuestPageUsage.Stable);
    }
    this.#mm.frames.use[ppn] = use;
    return ppn;
  }

  /** Returns a page to the free lists (dirty: it may hold old contents). */
  release(ppn: Ppn, zeroed: boolean): void {
    const { frames } = this.#mm;
    frames.lru.remove(ppn);
    frames.use[ppn] = PageUse.Free;
    frames.dirty[ppn] = 0;
    (zeroed ? this.zeroed : this.dirtyFree).push(ppn);
    this.#mm.hints.hint(ppn, GuestPageUsage.Unused);
  }

  /** Idle time: a zero-page thread clears freed pages, so they return zeroed (Windows). */
  zeroIdle(ns: number): void {
    const { settings, accesses, bus, vm } = this.#mm;
    const rate = settings.habits.zeroPagesPerIdleMs;
    if (rate === 0) return;
    accesses.flush();
    let n = Math.min(this.dirtyFree.size, Math.floor((ns / 1e6) * rate));
    while (n-- > 0) {
      const ppn = this.dirtyFree.pop();
      bus.write(vm, ppn, 0);
      this.zeroed.push(ppn);
    }
  }
}
