import {
  defineWorkload,
  type OpBatch,
  OpKind,
  resolvePages,
  scaleOf,
  scalePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { finish } from './compute';
import { withLimits } from './limits';
import { OpQueue } from './op-queue';
import {
  contentOption,
  limitOptions,
  offsetOption,
  writeFractionOption,
  zipfExponentOption,
} from './options';
import { randomPermutation, ZipfSampler } from './zipf-sampler';

/** Most log blocks one page update may write. */
const MAX_LOG_PER_WRITE = 64;

export const bufferPoolOptions = z.object({
  pages: sizeOption('the buffer pool: anonymous pages caching the database, one block each', {
    default: 0.6,
  }),
  alpha: zipfExponentOption(0.9, 'database pages'),
  writeFraction: writeFractionOption(),
  dataBlock: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('disk block of database page 0; pool page p caches block dataBlock + p (default 0)'),
  logSize: sizeOption('the circular log on disk, right after the database blocks', { default: '64MiB' }),
  logPerWrite: z
    .number()
    .min(0)
    .max(MAX_LOG_PER_WRITE)
    .default(0.25)
    .describe(
      'log blocks written per page update: 0.25 means a 4 KiB log block holds the records of four updates ' +
        '(default 0.25)',
    ),
  offset: offsetOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * A database: a buffer pool of anonymous pages accessed with Zipf skew (hot pages scattered by a random
 * permutation). The pool starts cold: the first access to a page reads its block from disk (FileRead) and
 * copies it into the pool (Write), so warming shows as a burst of disk reads that fades as the pool fills.
 * Updates write the page and append to a log with sequential FileWrites that wrap around the log.
 */
export const bufferPool = defineWorkload({
  name: 'buffer-pool',
  description:
    'A database buffer pool: Zipf-skewed page accesses, disk reads while warming, a sequential log.',
  options: bufferPoolOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const pages = resolvePages(options.pages, ctx.vmPages, scale);
    const logBlocks = resolvePages(options.logSize, ctx.vmPages, scale);
    const dataBlock = scalePages(options.dataBlock, scale);
    const logBase = dataBlock + pages;
    const offset = scalePages(options.offset, scale);
    const pageOfRank = randomPermutation(pages, ctx.random.split('permutation'));
    const sampler = new ZipfSampler(pages, options.alpha, ctx.random.split('ranks'), { labels: pageOfRank });
    const writeRandom = ctx.random.split('writes');
    const writeBelow = options.writeFraction * 2 ** 32;
    // Log blocks per update stay: updates and the log both shrink by the scale, so the log wraps as often.
    const logPerWrite = options.logPerWrite;
    const model = createContentModel(options.content, ctx);
    /** 1 once a pool page holds its block. */
    const loaded = new Uint8Array(pages);
    const queue = new OpQueue(MAX_LOG_PER_WRITE + 2);
    let logCredit = 0;
    let logAt = 0;

    const fill = (batch: OpBatch): number => {
      const capacity = batch.capacity;
      let i = queue.drain(batch, 0);
      while (i < capacity) {
        const page = sampler.next();
        const vpn = offset + page;
        const write = writeRandom.nextU32() < writeBelow;
        if (loaded[page] === 0) {
          loaded[page] = 1;
          queue.push(OpKind.FileRead, dataBlock + page, 0);
          queue.push(OpKind.Write, vpn, model.contentFor(vpn));
          if (!write) {
            i = queue.drain(batch, i);
            continue;
          }
        }
        if (write) {
          queue.push(OpKind.Write, vpn, model.contentFor(vpn));
          logCredit += logPerWrite;
          while (logCredit >= 1) {
            logCredit -= 1;
            const block = logBase + logAt;
            if (++logAt === logBlocks) logAt = 0;
            queue.push(OpKind.FileWrite, block, model.contentFor(block));
          }
        } else {
          queue.push(OpKind.Read, vpn, 0);
        }
        i = queue.drain(batch, i);
      }
      return finish(batch, i);
    };
    // Data pages are read where the Zipf draws fall, each on its own: a miniature's stand for pages apart.
    return withLimits(
      { contract: 'workload@1', name: 'buffer-pool', diskBlocks: 'apart', fill },
      options,
      scale,
    );
  },
});
