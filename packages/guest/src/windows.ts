import { defineGuestOs, durationOption, formatTime, scaleOf } from '@hvsim/spec';
import { z } from 'zod';
import { GuestKernel } from './guest-kernel';
import { guestOptions, guestSettings } from './options';

/**
 * A Windows-like guest: it zeroes all of its physical memory at boot, and a zero-page thread clears freed
 * pages while the guest is idle (the ESX paper's Figures 6 and 8 show both). The boot's zeroing is done at
 * power-on, or spread over the last `bootZeroing` of the boot, as five VMs booting together in Figure 8
 * fill the host over a minute or two rather than at once.
 */
export const windowsGuest = defineGuestOs({
  name: 'windows',
  description:
    'a Windows-like guest: zeroes all memory at boot, a zero-page thread clears freed pages when idle',
  options: guestOptions
    .extend({
      zeroPageRate: z
        .number()
        .positive()
        .default(64)
        .describe('pages the zero-page thread clears per millisecond of idle time'),
      bootZeroing: durationOption(
        'how long before the end of boot the guest starts zeroing its memory, at a steady pace until boot ends (0: all at once at power-on)',
        { default: 0 },
      ),
    })
    .superRefine((options, ctx) => {
      if (options.bootZeroing > options.bootTime) {
        ctx.addIssue({
          code: 'custom',
          path: ['bootZeroing'],
          message: `expected at most the boot time (${formatTime(options.bootTime)}), got ${formatTime(options.bootZeroing)}`,
        });
      }
    }),
  // A rate in pages: a miniature's thread clears 1/R as many, each standing for R.
  create: ({ zeroPageRate, bootZeroing, ...options }, context) =>
    new GuestKernel(
      context,
      guestSettings(
        'windows',
        { zeroAtBoot: true, bootZeroing, zeroPagesPerIdleMs: zeroPageRate / scaleOf(context) },
        options,
        context,
      ),
    ),
});
