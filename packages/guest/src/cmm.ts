import type { BalloonBackdoor, CmmDriver, Pages, SimTime } from '@hvsim/spec';
import type { KernelServices } from './kernel-services';
import { PageUse } from './page-use';
import { PinnedPages } from './pinned-pages';

export interface CmmSettings {
  /** Whether the module is loaded in the guest at all. */
  readonly installed: boolean;
  /** Most of the VM's memory the two pools hold together, as a fraction. */
  readonly limitFraction: number;
  /** Most pages each pool takes or gives back per second of VM time. */
  readonly pagesPerSecond: number;
  /** What one DIAG 10 costs the guest. */
  readonly diag10: SimTime;
  /** Pages the OOM notifier gives back at a time: `CMM_OOM_PAGES`, divided by the scale in a miniature. */
  readonly oomPages: Pages;
}

/** Pages the OOM notifier gives back at a time (cmm.c's cmm_oom_notify). */
export const CMM_OOM_PAGES = 256;

/** One pool: the pages it holds, the size it moves toward, and the fraction of a page its pace has earned. */
interface Pool {
  readonly pages: PinnedPages;
  target: Pages;
  credit: number;
}

/**
 * The s390 `cmm` module (CMM1; Linux's arch/s390/mm/cmm.c). A static pool sized by `SHRINK` and a timed
 * pool grown by `RELEASE` and drained by `REUSE`'s timer hold guest pages whose contents the host was told to
 * forget (DIAG 10). Its thread moves each pool toward its target as the guest runs, at its rate: a page taken
 * is a guest allocation (which may make the guest reclaim) plus a DIAG 10; a page given back is freed to the
 * guest, and reads as zero. When the guest cannot give a page, the pool's target falls to its size. When the
 * guest runs out of memory, the module gives pages back and forgets both targets (`onOutOfMemory`).
 *
 * Linux allocates the pool's pages with GFP_NOIO and leaves the I/O of making room to kswapd; here the
 * allocation itself reclaims, I/O included. Linux does not pace the thread either: its rate stands for the
 * thread's share of the CPU. The module's page arrays (one page per 510 pooled, 0.2%) are not modelled.
 */
export class CmmModule implements CmmDriver {
  readonly limit: Pages;
  readonly #kernel: KernelServices;
  readonly #rate: number;
  readonly #oomPages: Pages;
  readonly #static: Pool;
  readonly #timed: Pool;
  #timeout: { readonly pages: Pages; readonly every: SimTime } = { pages: 0, every: 0 };
  /** VM time at which the timer next lowers the timed target; undefined while it is not armed. */
  #due: SimTime | undefined;
  #lastPoll: SimTime;

  constructor(kernel: KernelServices, backdoor: BalloonBackdoor, settings: CmmSettings, vmPages: Pages) {
    this.#kernel = kernel;
    this.#rate = settings.pagesPerSecond;
    this.#oomPages = settings.oomPages;
    this.limit = Math.floor(settings.limitFraction * vmPages);
    const pool = (): Pool => ({
      pages: new PinnedPages(kernel, backdoor, PageUse.Cmm, settings.diag10, true),
      target: 0,
      credit: 0,
    });
    this.#static = pool();
    this.#timed = pool();
    this.#lastPoll = kernel.vmTime();
  }

  get available(): boolean {
    return this.#kernel.booted;
  }

  get pages(): Pages {
    return this.#static.pages.size;
  }

  get target(): Pages {
    return this.#static.target;
  }

  get timedPages(): Pages {
    return this.#timed.pages.size;
  }

  get timedTarget(): Pages {
    return this.#timed.target;
  }

  get timeout(): { readonly pages: Pages; readonly every: SimTime } {
    return this.#timeout;
  }

  shrink(pages: Pages): void {
    this.#static.target = Math.max(0, Math.min(this.limit, Math.floor(pages)));
  }

  release(pages: Pages): void {
    this.#expire(this.#kernel.vmTime());
    this.#timed.target = Math.min(this.limit, this.#timed.target + Math.max(0, Math.floor(pages)));
  }

  reuse(pages: Pages, every: SimTime): void {
    this.#expire(this.#kernel.vmTime());
    this.#timeout = { pages: Math.max(0, Math.floor(pages)), every: Math.max(0, every) };
    this.#arm(this.#kernel.vmTime());
  }

  /**
   * The thread's work since the last call, which the guest makes as it runs: the timer's expiries, then each
   * pool moved toward its target by what its rate earned over the VM time between.
   */
  poll(): void {
    const now = this.#kernel.vmTime();
    const elapsed = now - this.#lastPoll;
    this.#lastPoll = now;
    if (!this.available) return;
    this.#expire(now);
    this.#move(this.#static, elapsed);
    this.#move(this.#timed, elapsed);
    if (this.#due === undefined && this.#timed.pages.size > 0) this.#arm(now);
  }

  /**
   * The OOM notifier: gives back up to `oomPages` (256 at full size), the timed pool's first, and sets both targets to what the
   * pools hold, so the manager has to ask again. Returns how many pages it freed.
   */
  onOutOfMemory(): Pages {
    const timed = this.#timed.pages.give(this.#oomPages);
    const freed = timed + this.#static.pages.give(this.#oomPages - timed);
    this.#static.target = this.#static.pages.size;
    this.#timed.target = this.#timed.pages.size;
    return freed;
  }

  #move(pool: Pool, elapsed: SimTime): void {
    const gap = pool.target - pool.pages.size;
    if (gap === 0) return;
    const earned = pool.credit + (this.#rate * elapsed) / 1e9;
    const whole = Math.floor(earned);
    // Only the fraction carries over, so no step moves more than its own time's worth rounded up.
    pool.credit = earned - whole;
    if (gap < 0) {
      pool.pages.give(Math.min(-gap, whole));
      return;
    }
    const wanted = Math.min(gap, whole, this.limit - this.pages - this.timedPages);
    if (pool.pages.take(wanted) < wanted) pool.target = pool.pages.size;
  }

  /** cmm_set_timer: armed `every` after `from` while the timed target is above 0 and REUSE set a period. */
  #arm(from: SimTime): void {
    const { every } = this.#timeout;
    this.#due = this.#timed.target > 0 && every > 0 ? from + every : undefined;
  }

  /** Every expiry due by `now`: each lowers the timed target by the REUSE pages, re-armed from its time. */
  #expire(now: SimTime): void {
    if (this.#due === undefined || this.#due > now) return;
    const { pages, every } = this.#timeout;
    const fired = Math.floor((now - this.#due) / every) + 1;
    this.#timed.target = Math.max(0, this.#timed.target - fired * pages);
    this.#arm(this.#due + (fired - 1) * every);
  }
}
