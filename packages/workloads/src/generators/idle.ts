import {
  defineWorkload,
  type OpBatch,
  resolvePages,
  type SimTime,
  scaleOf,
  scalePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { BackgroundTouches } from './background';
import { finish, writeCompute } from './compute';
import { withLimits } from './limits';
import { contentOption, limitOptions, offsetOption, writeFractionOption } from './options';

export const idleOptions = z.object({
  pages: sizeOption('background set the idle guest keeps touching', { default: 0.04 }),
  rate: z
    .number()
    .min(0)
    .default(50)
    .describe('background touches per simulated second, as a Poisson process (default 50)'),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * An idle guest: it computes (timers, an idle loop) and now and then touches a page of a small background
 * set, as Windows' background activity touched 10–20 MB in ESX's Figure 6. The default set, 4% of the VM,
 * is 13 MB of that figure's 320 MB VM. Its memory is mostly idle, which the idle memory tax reclaims.
 */
export const idle = defineWorkload({
  name: 'idle',
  description: 'An idle guest: mostly Compute, with background touches of a small set at a low rate.',
  options: idleOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const pages = resolvePages(options.pages, ctx.vmPages, scale);
    const model = createContentModel(options.content, ctx);
    const background = new BackgroundTouches(
      scalePages(options.offset, scale),
      pages,
      // Touches are ops: a miniature keeps every scale-th, each standing for `scale`.
      options.rate,
      options.writeFraction,
      model,
      ctx.random.split('background'),
      scale,
    );
    const fill = (batch: OpBatch, now: SimTime): number => {
      const i = background.writeDue(batch, 0, now);
      // Touches first; the wait for the next one in the next fill, from the time the touches took.
      if (i > 0) return finish(batch, i);
      return finish(batch, writeCompute(batch, 0, background.next - now));
    };
    return withLimits({ contract: 'workload@1', name: 'idle', fill }, options, scale);
  },
});
