import {
  defineWorkload,
  type OpBatch,
  OpKind,
  optionalSizeOption,
  resolvePages,
  type SimTime,
  scaleOf,
  scalePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { AccessWriter } from './access-writer';
import { finish, writeCompute } from './compute';
import { withLimits } from './limits';
import { contentOption, limitOptions, offsetOption, writeFractionOption } from './options';

export const growingHeapOptions = z.object({
  rate: sizeOption('growth of the heap per simulated second', { default: '1MiB' }),
  max: sizeOption('largest the heap grows to', { default: 0.5 }),
  initial: sizeOption('heap already allocated at the start', { default: 0, allowZero: true }),
  recency: z
    .number()
    .gt(0)
    .max(1)
    .default(0.2)
    .describe(
      'mean distance of an access behind the frontier, as a fraction of the live heap: smaller favours ' +
        'recent pages more (default 0.2)',
    ),
  retain: optionalSizeOption(
    'keep only this much behind the frontier live: older pages are freed (default: nothing is freed)',
  ),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * A heap that grows: the frontier (pages allocated so far) advances at `rate` pages per simulated second up
 * to `max`, each new page touched (written) as it is allocated. Accesses fall on live pages with an
 * exponentially decaying preference for recent ones, truncated to the live heap (exact inversion, O(1)).
 * With `retain`, pages falling further than that behind the frontier are freed, as a generational heap or a
 * log-structured cache drops old objects.
 */
export const growingHeap = defineWorkload({
  name: 'growing-heap',
  description:
    'A heap whose frontier grows at a set rate up to a maximum; recent pages are touched more often.',
  options: growingHeapOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    // Pages per second, resolved at full size and divided exactly: a miniature's rate may be a fraction of a
    // page per second, and the frontier follows it without rounding.
    const rate =
      scale === 1
        ? resolvePages(options.rate, ctx.vmPages)
        : resolvePages(options.rate, ctx.vmPages * scale) / scale;
    const max = resolvePages(options.max, ctx.vmPages, scale);
    const initial = Math.min(resolvePages(options.initial, ctx.vmPages, scale), max);
    const retain =
      options.retain === undefined
        ? Number.POSITIVE_INFINITY
        : resolvePages(options.retain, ctx.vmPages, scale);
    const offset = scalePages(options.offset, scale);
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    const ageRandom = ctx.random.split('ages');
    let start = Number.NaN;
    let allocated = 0; // pages [0, allocated) have been touched
    let freed = 0; // pages [0, freed) have been freed

    /** The frontier `elapsed` ns after the start. */
    const frontierAt = (elapsed: SimTime) => Math.min(max, initial + Math.floor((rate * elapsed) / 1e9));

    const fill = (batch: OpBatch, now: SimTime): number => {
      if (Number.isNaN(start)) start = now;
      const frontier = frontierAt(now - start);
      const { kind, target, content, capacity } = batch;
      let i = 0;
      // Each new page, then the page that falls out of the retained window: live pages stay ≤ retain.
      for (;;) {
        if (allocated - freed > retain && i < capacity) {
          kind[i] = OpKind.Free;
          target[i] = offset + freed++;
          content[i] = 0;
          i++;
        } else if (allocated < frontier && i < capacity) {
          const vpn = offset + allocated++;
          kind[i] = OpKind.Write;
          target[i] = vpn;
          content[i] = model.contentFor(vpn);
          i++;
        } else break;
      }
      const live = allocated - freed;
      if (live === 0) {
        if (i > 0) return finish(batch, i);
        // Nothing allocated yet: compute until the first page is due.
        const due = start + Math.ceil(((allocated + 1 - initial) * 1e9) / rate);
        return finish(batch, writeCompute(batch, 0, due - now));
      }
      // Truncated exponential age in [0, live): age = −m·ln(1 − u·(1 − e^(−live/m))).
      const mean = options.recency * live;
      const mass = -Math.expm1(-live / mean);
      const newest = offset + allocated - 1;
      for (; i < capacity; i++) {
        let age = Math.floor(-mean * Math.log1p(-ageRandom.nextFloat() * mass));
        if (age >= live) age = live - 1; // rounding at the far end
        const vpn = newest - age;
        access.put(batch, i, vpn);
      }
      return finish(batch, capacity);
    };
    return withLimits({ contract: 'workload@1', name: 'growing-heap', fill }, options, scale);
  },
});
