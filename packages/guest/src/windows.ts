import { defineGuestOs, scaleOf } from '@hvsim/spec';
import { z } from 'zod';
import { GuestKernel } from './guest-kernel';
import { guestOptions, guestSettings } from './options';

/**
 * A Windows-like guest: it zeroes all of its physical memory at boot, and a zero-page thread clears freed
 * pages while the guest is idle (the ESX paper's Figures 6 and 8 show both).
 */
export const windowsGuest = defineGuestOs({
  name: 'windows',
  description:
    'a Windows-like guest: zeroes all memory at boot, a zero-page thread clears freed pages when idle',
  options: guestOptions.extend({
    zeroPageRate: z
      .number()
      .positive()
      .default(64)
      .describe('pages the zero-page thread clears per millisecond of idle time'),
  }),
  // A rate in pages: a miniature's thread clears 1/R as many, each standing for R.
  create: ({ zeroPageRate, ...options }, context) =>
    new GuestKernel(
      context,
      guestSettings(
        'windows',
        { zeroAtBoot: true, zeroPagesPerIdleMs: zeroPageRate / scaleOf(context) },
        options,
        context,
      ),
    ),
});
