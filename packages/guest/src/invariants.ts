import {
  type BalloonDriver,
  type CmmDriver,
  GuestPageUsage,
  type InvariantBreach,
  InvariantViolation,
  type Ppn,
  type VmId,
} from '@hvsim/spec';
import type { FreeStack } from './free-stack';
import type { GuestSettings } from './guest-settings';
import { LruList, type LruLists } from './lru';
import { PageUse } from './page-use';

/** What the check reads of a guest: its bookkeeping, not the kernel (which runs the check). */
export interface GuestBookkeeping {
  readonly vm: VmId;
  readonly settings: GuestSettings;
  readonly use: Uint8Array;
  readonly owner: Uint32Array;
  readonly dirty: Uint8Array;
  readonly lru: LruLists;
  readonly zeroed: FreeStack;
  readonly dirtyFree: FreeStack;
  readonly swapContent: Float64Array;
  readonly swapFree: FreeStack;
  readonly balloon: Pick<BalloonDriver, 'size'>;
  readonly cmm: Pick<CmmDriver, 'pages' | 'timedPages'> | undefined;
  pageOf(vpn: number): Ppn | -1;
  swapSlotOf(vpn: number): number | -1;
  cachedPage(block: number): Ppn | -1;
  pageUsage(ppn: Ppn): GuestPageUsage;
}

/** The guest kernel's invariants as the checks below name them. */
export const GUEST_INVARIANTS = {
  pages: 'guest pages are used once',
  swap: 'guest swap slots are held once',
  lru: 'the LRU holds the anonymous and cached pages',
  pinned: 'pinned pages match their owners',
  hints: 'page hints follow use',
} as const;

type Invariant = keyof typeof GUEST_INVARIANTS;

/** A page use by name (`anon`), for messages. */
const useName = (use: number | undefined): string =>
  Object.keys(PageUse)[use ?? -1]?.toLowerCase() ?? String(use);

/**
 * Recomputes the guest's bookkeeping from its arrays: every page is exactly one of free (once, on one free
 * list), kernel, anonymous (mapped by exactly one virtual page), cached (by exactly one block), ballooned or
 * in a cmm pool; the LRU holds exactly the anonymous and cached pages; guest swap slots are either free or
 * held by exactly one virtual page. Never lost, never duplicated. With page hints, the host holds each page's
 * usage as the guest uses it: free pages unused, clean cached ones volatile, everything else — dirty cached
 * pages among them — stable. For tests and the kernel's debug mode. Throws an InvariantViolation that names
 * the invariant (one of GUEST_INVARIANTS), the guest's VM and the page that broke it.
 */
export function checkGuestInvariants(guest: GuestBookkeeping): void {
  const vm = guest.vm;
  /** The violation of an invariant at this guest's VM, to throw. */
  const broken = (invariant: Invariant, breach: Omit<InvariantBreach, 'invariant' | 'vm'>) =>
    new InvariantViolation({ invariant: GUEST_INVARIANTS[invariant], vm, ...breach });
  const at = (page: Ppn, found: string) => ({ page, found });
  const pages = guest.use.length;
  const claims = new Uint8Array(pages);
  const claim = (ppn: number, why: string) => {
    if (!(ppn >= 0 && ppn < pages && claims[ppn] === 0))
      throw broken(
        'pages',
        at(ppn, ppn >= 0 && ppn < pages ? `claimed twice (${why})` : `not a page (${why})`),
      );
    claims[ppn] = 1;
  };
  for (const ppn of guest.zeroed) {
    if (guest.use[ppn] !== PageUse.Free) throw broken('pages', at(ppn, 'on the zeroed free list but in use'));
    claim(ppn, 'zeroed free list');
  }
  for (const ppn of guest.dirtyFree) {
    if (guest.use[ppn] !== PageUse.Free) throw broken('pages', at(ppn, 'on the free list but in use'));
    claim(ppn, 'free list');
  }
  const slots = new Uint8Array(guest.swapContent.length);
  for (const slot of guest.swapFree) {
    if (slots[slot] !== 0) throw broken('swap', { found: `swap slot ${slot} free twice` });
    slots[slot] = 1;
  }
  for (let vpn = 0; vpn < guest.settings.addressSpacePages; vpn++) {
    const ppn = guest.pageOf(vpn);
    const slot = guest.swapSlotOf(vpn);
    if (ppn >= 0) {
      if (!(guest.use[ppn] === PageUse.Anon && guest.owner[ppn] === vpn))
        throw broken('pages', at(ppn, `mapped by virtual page ${vpn}, which does not own it`));
      claim(ppn, `virtual page ${vpn}`);
    } else if (slot >= 0) {
      if (slots[slot] !== 0)
        throw broken('swap', {
          found: `swap slot ${slot} of virtual page ${vpn} is free or shared`,
        });
      slots[slot] = 1;
    }
  }
  if (slots.includes(0))
    throw broken('swap', {
      found: `swap slot ${slots.indexOf(0)} is neither free nor held`,
    });
  for (let block = 0; block < guest.settings.diskBlocks; block++) {
    const ppn = guest.cachedPage(block);
    if (ppn < 0) continue;
    if (!(guest.use[ppn] === PageUse.Cache && guest.owner[ppn] === block))
      throw broken('pages', at(ppn, `caches block ${block}, which does not own it`));
    claim(ppn, `block ${block}`);
  }
  let onLru = 0;
  for (const list of [LruList.Active, LruList.Inactive]) {
    for (const ppn of guest.lru.pages(list)) {
      onLru++;
      if (!(guest.use[ppn] === PageUse.Anon || guest.use[ppn] === PageUse.Cache))
        throw broken('lru', at(ppn, `on the LRU but ${useName(guest.use[ppn])}`));
    }
  }
  let kernel = 0;
  let balloon = 0;
  let cmm = 0;
  let reclaimable = 0;
  for (let ppn = 0; ppn < pages; ppn++) {
    const use = guest.use[ppn];
    if (use === PageUse.Kernel) kernel++;
    else if (use === PageUse.Balloon) balloon++;
    else if (use === PageUse.Cmm) cmm++;
    else if (use === PageUse.Anon || use === PageUse.Cache) reclaimable++;
    if (use === PageUse.Kernel || use === PageUse.Balloon || use === PageUse.Cmm) claim(ppn, 'pinned');
  }
  if (onLru !== reclaimable)
    throw broken('lru', {
      found: `LRU holds ${onLru} pages, ${reclaimable} are anonymous or cached`,
    });
  if (kernel !== guest.settings.kernelPages)
    throw broken('pinned', {
      found: `kernel pages ${kernel}, expected ${guest.settings.kernelPages}`,
    });
  if (balloon !== guest.balloon.size)
    throw broken('pinned', {
      found: `balloon pages ${balloon}, driver holds ${guest.balloon.size}`,
    });
  const pooled = (guest.cmm?.pages ?? 0) + (guest.cmm?.timedPages ?? 0);
  if (cmm !== pooled) throw broken('pinned', { found: `cmm pages ${cmm}, its pools hold ${pooled}` });
  if (claims.includes(0)) throw broken('pages', at(claims.indexOf(0), 'neither free nor in use'));
  if (guest.settings.pageHints) {
    for (let ppn = 0; ppn < pages; ppn++) {
      const use = guest.use[ppn];
      const expected =
        use === PageUse.Free
          ? GuestPageUsage.Unused
          : use === PageUse.Cache && !guest.dirty[ppn]
            ? GuestPageUsage.Volatile
            : GuestPageUsage.Stable;
      if (guest.pageUsage(ppn) !== expected)
        throw broken(
          'hints',
          at(ppn, `${useName(use)}, has usage ${guest.pageUsage(ppn)}, expected ${expected}`),
        );
    }
  }
}
