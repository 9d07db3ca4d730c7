import { defineGuestOs } from '@hvsim/spec';
import { GuestKernel } from './guest-kernel';
import { guestOptions, guestSettings } from './options';

/**
 * A Linux-like guest: it touches memory only as it uses it, clears each new anonymous page when it allocates
 * it, and keeps no zeroed free list.
 */
export const linuxGuest = defineGuestOs({
  name: 'linux',
  description: 'a Linux-like guest: demand-zeroed anonymous memory, page cache, two-list LRU, swap, balloon',
  options: guestOptions,
  create: (options, context) =>
    new GuestKernel(
      context,
      guestSettings('linux', { zeroAtBoot: false, bootZeroing: 0, zeroPagesPerIdleMs: 0 }, options, context),
    ),
});
