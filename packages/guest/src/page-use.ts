import { HvsimError, type VmId } from '@hvsim/spec';
import type { LruLists } from './lru';

/** What each guest-physical page is used for. */
export const PageUse = { Free: 0, Kernel: 1, Anon: 2, Cache: 3, Balloon: 4, Cmm: 5 } as const;
export type PageUse = (typeof PageUse)[keyof typeof PageUse];

/** The guest has no page to give: every page is pinned or its swap is full. */
export class GuestOutOfMemoryError extends HvsimError {
  override readonly name = 'GuestOutOfMemoryError';
  constructor(vm: VmId, why: string) {
    super('guest-out-of-memory', `vm ${vm}: the guest found no page to reclaim (${why})`, 'guest');
  }
}

/**
 * The guest's bookkeeping per physical page (Linux's struct page), which the kernel's parts share: each
 * page's use, its owner and dirty bit, and the LRU lists it is on.
 */
export interface PageFrames {
  /** Per page: its use (PageUse). */
  readonly use: Uint8Array;
  /** Per page: its owner, the virtual page or disk block it holds. */
  readonly owner: Uint32Array;
  /** Per page-cache page: dirty (written since it was last written back), with its age for the flusher. */
  readonly dirty: Uint8Array;
  readonly lru: LruLists;
}
