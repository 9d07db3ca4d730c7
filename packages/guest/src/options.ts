import {
  durationOption,
  type GuestContext,
  imageContentBase,
  optionalSizeOption,
  resolvePages,
  scaleOf,
  scalePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';
import { CMM_OOM_PAGES } from './cmm';
import type { GuestHabits, GuestSettings } from './guest-settings';

/** Options every guest kind takes; each kind supplies its own defaults for its habits. */
export const guestOptions = z.object({
  kernel: sizeOption('memory the guest kernel pins for itself (read from its disk image)', { default: 0.02 }),
  swap: optionalSizeOption('size of the guest swap area on its virtual disk (default: as large as the VM)', {
    allowZero: true,
  }),
  addressSpace: optionalSizeOption('virtual memory processes may use (default: twice the VM)'),
  disk: optionalSizeOption('size of the virtual disk (default: four times the VM)'),
  readahead: sizeOption(
    'blocks one disk request moves: a page-cache miss reads ahead, a write-back takes the dirty blocks after it (0: one block; Linux: 128 KiB)',
    { default: '128KiB', allowZero: true },
  ),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('base disk image name; VMs booted from one image share its blocks'),
  writeback: durationOption(
    "dirty page-cache pages are written back within this long of being dirtied, by a flusher that runs every half of it (Linux's dirty_expire: 30s); 0 writes them back only when evicted",
    { default: 0 },
  ),
  kernelWalk: durationOption(
    'how long the kernel takes to read each of its own pages once after boot, over and over, so that a kernel page the host paged out comes back (default 0: it never reads them)',
    { default: 0 },
  ),
  pageHints: z
    .boolean()
    .default(false)
    .describe(
      'CMM2 guest page hinting: free pages are marked unused and clean page-cache pages volatile, so the host takes them without I/O (default false)',
    ),
  bootTime: durationOption('VM time the guest takes to boot; no ballooning before then', { default: '20s' }),
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
      returnsZeroed: z
        .boolean()
        .default(true)
        .describe(
          'whether the guest takes a page its balloon gives back as known zeros, which the host backs only when used (default true), or as any freed page: a Windows zero-page thread clears it in idle time, as the paper’s Windows guests did, and Linux clears it when it allocates it',
        ),
    })
    .prefault({})
    .describe('the balloon driver'),
  cmm: z
    .object({
      installed: z
        .boolean()
        .default(false)
        .describe('whether the s390 cmm module is loaded (CMM1: a resource manager asks it for pages)'),
      limit: z
        .number()
        .min(0)
        .max(1)
        .default(0.8)
        .describe('most of the VM its two pools hold together, as a fraction; the guest keeps the rest'),
      rate: z
        .number()
        .min(0)
        .default(0.05)
        .describe('pages each pool takes or gives back per second, as a fraction of the VM'),
      diag10: durationOption(
        'what telling the host to forget a page (DIAG 10, a hypercall) costs the guest',
        {
          default: '2us',
        },
      ),
    })
    .prefault({})
    .describe('the cmm module (CMM1): a static pool sized by SHRINK, a timed pool by RELEASE and REUSE'),
});
export type GuestOptions = z.output<typeof guestOptions>;
export type GuestOptionsInput = z.input<typeof guestOptions>;

/**
 * Turns validated options into the kernel's settings, resolving sizes against the VM. In a miniature at scale
 * R sizes in pages divide by R (fractions of the VM and of it per second already apply to the miniature VM),
 * and a DIAG 10, charged per page, costs R times as much.
 */
export function guestSettings(
  kind: string,
  habits: GuestHabits,
  options: GuestOptions,
  context: GuestContext,
): GuestSettings {
  const pages = context.pages;
  const scale = scaleOf(context);
  const image = options.image ?? `${kind}-base`;
  // Read per block read: the image's name hashed once, not per block.
  const contentBase = imageContentBase(image);
  return {
    kind,
    habits,
    kernelPages: resolvePages(options.kernel, pages, scale),
    swapPages: options.swap === undefined ? pages : resolvePages(options.swap, pages, scale),
    addressSpacePages:
      options.addressSpace === undefined ? 2 * pages : resolvePages(options.addressSpace, pages, scale),
    readaheadBlocks: Math.max(1, resolvePages(options.readahead, pages, scale)),
    fullReadaheadBlocks: Math.max(1, resolvePages(options.readahead, pages * scale)),
    diskBlocks: options.disk === undefined ? 4 * pages : resolvePages(options.disk, pages, scale),
    image,
    diskContent: (block) => contentBase + block,
    bootTime: options.bootTime,
    kernelWalk: options.kernelWalk,
    pageHints: options.pageHints,
    writeback: options.writeback,
    balloon: {
      limitFraction: options.balloon.limit,
      pagesPerSecond: Math.max(1, Math.floor(options.balloon.rate * pages)),
      installed: options.balloon.installed,
      returnsZeroed: options.balloon.returnsZeroed,
    },
    cmm: {
      installed: options.cmm.installed,
      limitFraction: options.cmm.limit,
      pagesPerSecond: Math.max(1, Math.floor(options.cmm.rate * pages)),
      diag10: options.cmm.diag10 * scale,
      oomPages: scalePages(CMM_OOM_PAGES, scale),
    },
  };
}
