import { defineWorkload, type OpBatch, resolvePages, scaleOf, scalePages, sizeOption } from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { AccessWriter } from './access-writer';
import { finish } from './compute';
import { withLimits } from './limits';
import { loopingScan } from './looping-scan';
import { contentOption, limitOptions, offsetOption, writeFractionOption } from './options';

export const sequentialOptions = z.object({
  pages: sizeOption('region scanned, page after page, looping', { default: 0.5 }),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * A looping scan: pages offset, offset+1, …, offset+pages−1, then from the start again. Once the region
 * outgrows memory, LRU evicts every page just before it is needed: the classic worst case of recency.
 */
export const sequential = defineWorkload({
  name: 'sequential',
  description: 'Scans a region page after page, looping, reading or writing each page.',
  options: sequentialOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const pages = resolvePages(options.pages, ctx.vmPages, scale);
    const offset = scalePages(options.offset, scale);
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    let next = 0;
    const fill = (batch: OpBatch): number => {
      const { capacity } = batch;
      next = loopingScan(batch.target, capacity, offset, pages, next);
      access.putAll(batch, 0, capacity);
      return finish(batch, capacity);
    };
    return withLimits({ contract: 'workload@1', name: 'sequential', fill }, options, scale);
  },
});
