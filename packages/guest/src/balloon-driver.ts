import type { BalloonBackdoor, BalloonDriver as BalloonDriverContract, Pages } from '@hvsim/spec';
import type { KernelServices } from './kernel-services';
import { PageUse } from './page-use';
import { PinnedPages } from './pinned-pages';

export interface BalloonSettings {
  /** Most of the VM's memory the balloon may hold, as a fraction (ESX 2.x: 0.5; ESXi: 0.65). */
  readonly limitFraction: number;
  /** Most pages it inflates or deflates per second of VM time. */
  readonly pagesPerSecond: number;
  /** Whether the driver is installed in the guest at all. */
  readonly installed: boolean;
  /** Whether the guest takes a page the balloon gives back as known zeros, or as any freed page. */
  readonly returnsZeroed: boolean;
}

/**
 * The balloon driver (ESX's vmmemctl): it inflates by allocating pinned pages through the guest's own
 * allocator, so the guest frees or pages out memory by its own policy, and tells the hypervisor through the
 * backdoor which pages it holds. It is unavailable while the guest boots, and can be disabled or uninstalled.
 */
export class BalloonDriver implements BalloonDriverContract {
  readonly limit: Pages;
  readonly #pages: PinnedPages;
  readonly #kernel: KernelServices;
  readonly #rate: number;
  #installed: boolean;
  #enabled = true;
  #target = 0;
  #windowStart = 0;
  #movedInWindow = 0;

  constructor(kernel: KernelServices, backdoor: BalloonBackdoor, settings: BalloonSettings, vmPages: Pages) {
    this.#kernel = kernel;
    this.#pages = new PinnedPages(kernel, backdoor, PageUse.Balloon, 0, settings.returnsZeroed);
    this.#rate = settings.pagesPerSecond;
    this.#installed = settings.installed;
    this.limit = Math.floor(settings.limitFraction * vmPages);
  }

  get available(): boolean {
    return this.#installed && this.#enabled && this.#kernel.booted;
  }

  get installed(): boolean {
    return this.#installed;
  }

  get size(): Pages {
    return this.#pages.size;
  }

  get target(): Pages {
    return this.#target;
  }

  setTarget(pages: Pages): void {
    this.#target = Math.max(0, Math.min(this.limit, Math.floor(pages)));
  }

  /** Moves toward the target as far as this second's rate allows; the guest calls it as it runs. */
  poll(): void {
    const gap = this.#target - this.size;
    if (gap > 0) this.inflate(gap);
    else if (gap < 0) this.deflate(-gap);
  }

  /**
   * Takes up to `pages` more now, within the limit and this second's rate (the guest may give fewer);
   * returns how many. A target below the new size follows it up.
   */
  inflate(pages: Pages): Pages {
    const taken = this.#pages.take(Math.min(pages, this.limit - this.size, this.#budget()));
    this.#movedInWindow += taken;
    this.#target = Math.max(this.#target, this.size);
    return taken;
  }

  /** Gives back up to `pages` now, within this second's rate; returns how many. A target above follows down. */
  deflate(pages: Pages): Pages {
    const given = this.#pages.give(Math.min(pages, this.#budget()));
    this.#movedInWindow += given;
    this.#target = Math.min(this.#target, this.size);
    return given;
  }

  /** Stops the driver; its pages stay in the balloon until it is enabled and deflates. */
  disable(): void {
    this.#enabled = false;
  }

  enable(): void {
    this.#enabled = true;
  }

  /**
   * Unloads the driver: the guest takes its pages back without telling the hypervisor, which finds out
   * through a pop when the guest next touches each one.
   */
  uninstall(): void {
    this.#pages.forget();
    this.#target = 0;
    this.#installed = false;
  }

  /** Pages it may still move in the current second of VM time; 0 when unavailable. */
  #budget(): number {
    if (!this.available) return 0;
    const now = this.#kernel.vmTime();
    if (now - this.#windowStart >= 1e9) {
      this.#windowStart = now;
      this.#movedInWindow = 0;
    }
    return Math.max(0, this.#rate - this.#movedInWindow);
  }
}
