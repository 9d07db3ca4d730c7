import { HvsimError, type VmId } from '@hvsim/spec';

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
