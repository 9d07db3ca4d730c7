import { type GuestContext, imageBlockContent, parseDuration, resolvePages } from '@hvsim/spec';
import { z } from 'zod';
import type { GuestHabits, GuestSettings } from './guest-kernel';

const size = z
  .union([z.number().nonnegative(), z.string()])
  .describe('pages (a whole number), a fraction of the VM between 0 and 1, or a size such as "64MiB"');
const duration = z.union([z.number().nonnegative(), z.string()]).describe('a duration such as "20s", or ns');

/** Options every guest kind takes; each kind supplies its own defaults for its habits. */
export const guestOptions = z.object({
  kernel: size.default(0.02).describe('memory the guest kernel pins for itself (read from its disk image)'),
  swap: size
    .optional()
    .describe('size of the guest swap area on its virtual disk (default: as large as the VM)'),
  addressSpace: size.optional().describe('virtual memory processes may use (default: twice the VM)'),
  disk: size.optional().describe('size of the virtual disk (default: four times the VM)'),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('base disk image name; VMs booted from one image share its blocks'),
  bootTime: duration.default('20s').describe('VM time the guest takes to boot; no ballooning before then'),
  balloon: z
    .object({
      limit: z
        .number()
        .min(0)
        .max(1)
        .default(0.65)
        .describe('largest balloon, as a fraction of the VM (ESXi: 0.65)'),
      rate: z
        .number()
        .min(0)
        .default(0.02)
        .describe(
          'pages inflated or deflated per second, as a fraction of the VM (1–2% gives minute-scale moves)',
        ),
      installed: z.boolean().default(true).describe('whether the balloon driver is installed'),
    })
    .prefault({})
    .describe('the balloon driver'),
});
export type GuestOptions = z.output<typeof guestOptions>;

/** Turns validated options into the kernel's settings, resolving sizes against the VM. */
export function guestSettings(
  kind: string,
  habits: GuestHabits,
  options: GuestOptions,
  context: GuestContext,
): GuestSettings {
  const pages = context.pages;
  const image = options.image ?? `${kind}-base`;
  return {
    kind,
    habits,
    kernelPages: resolvePages(options.kernel, pages, 'kernel'),
    swapPages: options.swap === undefined ? pages : resolvePages(options.swap, pages, 'swap'),
    addressSpacePages:
      options.addressSpace === undefined
        ? 2 * pages
        : resolvePages(options.addressSpace, pages, 'addressSpace'),
    diskBlocks: options.disk === undefined ? 4 * pages : resolvePages(options.disk, pages, 'disk'),
    image,
    diskContent: (block) => imageBlockContent(image, block),
    bootTime: parseDuration(options.bootTime, 'bootTime'),
    balloon: {
      limitFraction: options.balloon.limit,
      pagesPerSecond: Math.max(1, Math.floor(options.balloon.rate * pages)),
      installed: options.balloon.installed,
    },
  };
}
