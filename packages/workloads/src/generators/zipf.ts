import { defineWorkload, type OpBatch, resolvePages, scaleOf, scalePages, sizeOption } from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { AccessWriter } from './access-writer';
import { finish } from './compute';
import { withLimits } from './limits';
import {
  contentOption,
  limitOptions,
  offsetOption,
  writeFractionOption,
  zipfExponentOption,
} from './options';
import { randomPermutation, ZipfSampler } from './zipf-sampler';

export const zipfOptions = z.object({
  pages: sizeOption('working set, accessed with Zipf skew', { default: 0.5 }),
  alpha: zipfExponentOption(0.99),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * Skewed popularity: the page of rank k (from 1) is accessed with probability ∝ 1/k^alpha. Ranks map to pages
 * through a seeded random permutation, so hot pages are scattered over the working set rather than packed at
 * its start (which would flatter any policy that works on ranges). Ranks come from ZipfSampler: an alias table
 * (one 32-bit draw per op) up to ZIPF_TABLE_MAX_RANKS pages, rejection-inversion above.
 */
export const zipf = defineWorkload({
  name: 'zipf',
  description:
    'Reads and writes pages of a working set with Zipf-distributed popularity, hot pages scattered.',
  options: zipfOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const pages = resolvePages(options.pages, ctx.vmPages, scale);
    const offset = scalePages(options.offset, scale);
    const pageOfRank = randomPermutation(pages, ctx.random.split('permutation'));
    const sampler = new ZipfSampler(pages, options.alpha, ctx.random.split('ranks'), { labels: pageOfRank });
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    const fill = (batch: OpBatch): number => {
      const { capacity } = batch;
      sampler.fill(batch.target, 0, capacity, offset);
      access.putAll(batch, 0, capacity);
      return finish(batch, capacity);
    };
    return withLimits({ contract: 'workload@1', name: 'zipf', fill }, options, scale);
  },
});
