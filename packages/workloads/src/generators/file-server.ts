import {
  defineWorkload,
  durationOption,
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
import {
  contentOption,
  limitOptions,
  offsetOption,
  writeFractionOption,
  zipfExponentOption,
} from './options';
import { randomPermutation, ZipfSampler } from './zipf-sampler';

export const fileServerOptions = z.object({
  files: z.number().int().min(1).default(1000).describe('files in the file set (default 1000)'),
  fileSize: sizeOption('size of each file', { default: '256KiB' }),
  alpha: zipfExponentOption(0.9, 'files'),
  readFraction: z
    .number()
    .min(0)
    .max(1)
    .default(0.7)
    .describe('fraction of file requests that read; the rest write (default 0.7)'),
  requestSize: sizeOption('blocks one request reads or writes in a row (capped at the file size)', {
    default: '64KiB',
  }),
  firstBlock: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('disk block where the file set starts; file f holds the blocks after it in order (default 0)'),
  think: durationOption('time the server computes after each request, outside memory (default 0)', {
    default: '0s',
  }),
  anonPages: sizeOption("the server's own anonymous memory (buffers, tables)", { default: 0.02 }),
  anonFraction: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('fraction of ops on anonymous memory rather than files (default 0.1)'),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  content: contentOption(),
  ...limitOptions,
});

/**
 * A dbench-like file server, heavy on the guest's page cache: requests pick a file by Zipf popularity
 * (through a random permutation, so popular files are scattered on disk) and read or write `requestSize` of
 * it in sequence, each file continuing where its last request stopped and wrapping at its end. Between file
 * ops, a fraction of ops touch the server's own anonymous memory uniformly; after each request the server
 * computes for `think` (dbench's clients process what they read), which paces it when its files are cached.
 */
export const fileServer = defineWorkload({
  name: 'file-server',
  description:
    'dbench-like: sequential reads and writes of files chosen by Zipf popularity, plus some anonymous memory.',
  options: fileServerOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    // A miniature keeps every file, each `scale` times smaller, and requests as many blocks fewer: requests
    // per second, and so the think time between them, stay as at full size.
    const files = options.files;
    const fileBlocks = resolvePages(options.fileSize, ctx.vmPages, scale);
    const requestBlocks = Math.min(resolvePages(options.requestSize, ctx.vmPages, scale), fileBlocks);
    const anonPages = resolvePages(options.anonPages, ctx.vmPages, scale);
    const firstBlock = scalePages(options.firstBlock, scale);
    const offset = scalePages(options.offset, scale);
    const fileOfRank = randomPermutation(files, ctx.random.split('permutation'));
    const sampler = new ZipfSampler(files, options.alpha, ctx.random.split('files'), { labels: fileOfRank });
    const requestRandom = ctx.random.split('requests');
    const anonRandom = ctx.random.split('anon');
    const model = createContentModel(options.content, ctx);
    const readBelow = options.readFraction * 2 ** 32;
    const anonBelow = options.anonFraction * 2 ** 32;
    const writeBelow = options.writeFraction * 2 ** 32;
    /** Next block of each file, so successive requests to a file continue in sequence. */
    const cursor = new Uint32Array(files);
    let file = 0;
    let left = 0; // blocks left in the request under way
    let writing = false;
    let served = false; // a request has finished and its think time is still to come

    const fill = (batch: OpBatch): number => {
      const { kind, target, content, capacity } = batch;
      for (let i = 0; i < capacity; i++) {
        if (anonRandom.nextU32() < anonBelow) {
          const vpn = offset + anonRandom.nextInt(anonPages);
          target[i] = vpn;
          if (anonRandom.nextU32() < writeBelow) {
            kind[i] = OpKind.Write;
            content[i] = model.contentFor(vpn);
          } else {
            kind[i] = OpKind.Read;
            content[i] = 0;
          }
          continue;
        }
        if (left === 0) {
          if (served && options.think > 0) {
            kind[i] = OpKind.Compute;
            target[i] = options.think;
            content[i] = 0;
            served = false;
            continue;
          }
          served = true;
          file = sampler.next();
          writing = requestRandom.nextU32() >= readBelow;
          left = requestBlocks;
        }
        const at = cursor[file]!;
        cursor[file] = at + 1 === fileBlocks ? 0 : at + 1;
        left--;
        const block = firstBlock + file * fileBlocks + at;
        target[i] = block;
        if (writing) {
          kind[i] = OpKind.FileWrite;
          content[i] = model.contentFor(block);
        } else {
          kind[i] = OpKind.FileRead;
          content[i] = 0;
        }
      }
      return finish(batch, capacity);
    };
    return withLimits({ contract: 'workload@1', name: 'file-server', fill }, options, scale);
  },
});
