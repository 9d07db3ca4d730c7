import type { Ppn } from '@hvsim/spec';
import type { AnonMemory } from './anon-swap';
import type { KernelParts } from './kernel-parts';
import { LruList } from './lru';
import type { PageCache } from './page-cache';
import { GuestOutOfMemoryError, PageUse } from './page-use';
import type { Writeback } from './writeback';

/** What reclaim needs of the rest of the kernel. */
export interface ReclaimServices extends Pick<KernelParts, 'vm' | 'frames'> {
  readonly anon: AnonMemory;
  readonly cache: PageCache;
  readonly writeback: Writeback;
  /** The OOM notifier that may free pages when nothing can be evicted: the cmm module's, when loaded. */
  readonly oom: { onOutOfMemory(): number } | undefined;
}

/**
 * The guest's page reclaim (Linux's mm/vmscan.c): it evicts by the two-list LRU — a clean cache page is
 * dropped, a dirty one written back first, an anonymous page swapped out to guest swap.
 */
export class Reclaim {
  readonly #mm: ReclaimServices;

  constructor(mm: ReclaimServices) {
    this.#mm = mm;
  }

  /**
   * Evicts one page by the guest's own LRU policy (second chance on the inactive list), for an allocation
   * for `use`. When none can go, the guest is out of memory: its OOM notifiers run, as before an OOM kill —
   * the cmm module gives pages back — except for a balloon's or a cmm pool's own allocation, which gives up
   * instead (Linux asks for those with NORETRY and NOIO, which never reach the OOM killer).
   */
  reclaim(use: PageUse): void {
    const lru = this.#mm.frames.lru;
    let budget = 2 * (lru.size(LruList.Active) + lru.size(LruList.Inactive)) + 1;
    while (budget-- > 0) {
      lru.balance();
      const victim =
        lru.tail(LruList.Inactive) === -1 ? lru.tail(LruList.Active) : lru.tail(LruList.Inactive);
      if (victim === -1) break;
      if (lru.referenced[victim]) {
        lru.moveToHead(LruList.Active, victim);
        continue;
      }
      if (this.#evict(victim)) return;
      lru.moveToHead(LruList.Active, victim); // an anonymous page with no swap slot left
    }
    const pinned = use === PageUse.Balloon || use === PageUse.Cmm;
    const oom = this.#mm.oom;
    if (!pinned && oom && oom.onOutOfMemory() > 0) return;
    throw new GuestOutOfMemoryError(
      this.#mm.vm,
      `${lru.size(LruList.Active) + lru.size(LruList.Inactive)} pages on the LRU, ` +
        `${this.#mm.anon.swapFree.size} swap slots free`,
    );
  }

  #evict(ppn: Ppn): boolean {
    const { frames, cache } = this.#mm;
    if (frames.use[ppn] === PageUse.Cache) {
      const block = frames.owner[ppn]!;
      if (frames.dirty[ppn]) this.#mm.writeback.writeBack(block);
      cache.drop(block, ppn);
      return true;
    }
    return this.#mm.anon.swapOut(ppn);
  }
}
