import { defineWorkload, type OpBatch, resolvePages, scaleOf, scalePages, sizeOption } from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { AccessWriter } from './access-writer';
import { finish } from './compute';
import { withLimits } from './limits';
import { contentOption, limitOptions, offsetOption, writeFractionOption } from './options';
import { UniformIndex } from './uniform-index';

export const uniformOptions = z.object({
  pages: sizeOption('working set, accessed uniformly at random', { default: 0.5 }),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/** Every page of the working set equally likely: no locality at all, the harshest pattern for any cache. */
export const uniform = defineWorkload({
  name: 'uniform',
  description: 'Reads and writes pages of a working set uniformly at random.',
  options: uniformOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const pages = resolvePages(options.pages, ctx.vmPages, scale);
    const offset = scalePages(options.offset, scale);
    const pageIndex = new UniformIndex(pages, ctx.random.split('pages'));
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    const fill = (batch: OpBatch): number => {
      const { capacity } = batch;
      pageIndex.fill(batch.target, 0, capacity, offset);
      access.putAll(batch, 0, capacity);
      return finish(batch, capacity);
    };
    return withLimits({ contract: 'workload@1', name: 'uniform', fill }, options, scale);
  },
});
