export { BalloonDriver, type BalloonSettings } from './balloon-driver';
export { CMM_OOM_PAGES, CmmModule, type CmmSettings } from './cmm';
export { FreeStack } from './free-stack';
export { GuestKernel } from './guest-kernel';
export type { GuestHabits, GuestSettings } from './guest-settings';
export type { KernelServices } from './kernel-services';
export { linuxGuest } from './linux';
export { LruList, LruLists } from './lru';
export { type GuestOptions, type GuestOptionsInput, guestOptions, guestSettings } from './options';
export { GuestOutOfMemoryError, PageUse } from './page-use';
export { PinnedPages } from './pinned-pages';
export { windowsGuest } from './windows';

import { linuxGuest } from './linux';
import { windowsGuest } from './windows';

/** Every guest kind, for the scenario registry. */
export const guestDefinitions = [linuxGuest, windowsGuest] as const;
export { checkGuestInvariants, GUEST_INVARIANTS } from './invariants';
