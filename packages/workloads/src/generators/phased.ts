import {
  defineWorkload,
  durationOption,
  type OpBatch,
  OpKind,
  optionalSizeOption,
  requiredDurationOption,
  requiredSizeOption,
  resolvePages,
  type SimTime,
  scaleOf,
  scalePages,
  sizeOption,
} from '@hvsim/spec';
import { z } from 'zod';
import { createContentModel } from '../content/options';
import { AccessWriter } from './access-writer';
import { COMPUTE_SLICE, finish, writeCompute } from './compute';
import { withLimits } from './limits';
import { loopingScan } from './looping-scan';
import {
  contentOption,
  limitOptions,
  offsetOption,
  writeFractionOption,
  zipfExponentOption,
} from './options';
import { UniformIndex } from './uniform-index';
import { randomPermutation, ZipfSampler } from './zipf-sampler';

const phaseOptions = z.object({
  duration: requiredDurationOption('how long the phase lasts'),
  offset: sizeOption("start of the phase's working set, counted from the workload's offset", {
    default: 0,
    allowZero: true,
  }),
  pages: requiredSizeOption("the phase's working set; 0 makes an idle phase that only computes", {
    allowZero: true,
  }),
  distribution: z
    .enum(['uniform', 'zipf', 'sequential'])
    .default('uniform')
    .describe(
      'how pages of the working set are picked: "uniform", "zipf" or "sequential" (a looping scan, a table scan in a file phase) (default "uniform")',
    ),
  alpha: zipfExponentOption(0.99),
  writeFraction: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("fraction of the phase's accesses that are writes (default: the workload's writeFraction)"),
  file: z
    .boolean()
    .default(false)
    .describe(
      'the working set is blocks of the virtual disk, read and written through the page cache (default false: anonymous memory)',
    ),
  buffer: optionalSizeOption(
    "file phases: each read copies its block into an anonymous buffer page, this far into the workload's region plus the block's place in the phase (read(2) into a page-aligned buffer); unset: blocks are read in place",
    { allowZero: true },
  ),
});

export const phasedOptions = z.object({
  phases: z
    .array(phaseOptions)
    .min(1)
    .refine(
      (phases) => phases.some((p) => p.duration > 0),
      'expected at least one phase that lasts longer than 0',
    )
    .prefault([
      { duration: '5min', pages: 0.1 },
      { duration: '5min', offset: 0.1, pages: 0.5, distribution: 'zipf' },
    ])
    .describe(
      'the phases in order, each { duration, offset, pages, distribution, alpha, writeFraction } ' +
        '(default: 5 min on 10% of the VM, then 5 min of Zipf over 50%)',
    ),
  repeat: z
    .boolean()
    .default(true)
    .describe('start again with the first phase after the last (default true); false finishes instead'),
  offset: offsetOption(),
  writeFraction: writeFractionOption(),
  compute: durationOption('time the workload computes per memory access, outside memory', {
    default: 0,
  }),
  content: contentOption(),
  ...limitOptions,
});

/** Read + FILE_OP = FileRead, Write + FILE_OP = FileWrite. */
const FILE_OP = OpKind.FileRead - OpKind.Read;

/** Turns the batch's file reads into copies of each block to the buffer page at the same place. */
function copyReads(batch: OpBatch, count: number, base: number, buffer: number): void {
  for (let i = 0; i < count; i++) {
    if (batch.kind[i] !== OpKind.FileRead) continue;
    batch.kind[i] = OpKind.FileCopy;
    batch.content[i] = buffer + batch.target[i]! - base;
  }
}

interface Phase {
  readonly end: SimTime;
  readonly base: number;
  readonly pages: number;
  readonly writeFraction: number;
  readonly file: boolean;
  /** File phases that read into a buffer: the buffer's first virtual page. */
  readonly buffer: number | undefined;
  /** Uniform phases: the page picker. Zipf phases: the sampler, which gives the page of each drawn rank. */
  readonly pageIndex: UniformIndex | undefined;
  readonly sampler: ZipfSampler | undefined;
  /** Sequential phases: the next page of the scan, from the phase's base; it carries on where it stopped. */
  next: number | undefined;
}

/**
 * A working set that moves: each phase has its own region (offset and size) and distribution, and lasts a
 * given simulated time from the workload's first fill; the phases cycle. The phase is chosen at the start of
 * each fill, so a change lands within one batch of its time. A phase of 0 pages is idle and computes. A phase
 * may work on disk blocks through the page cache instead of anonymous memory, and `compute` paces the accesses
 * (a program that does work between them), so a VM's throughput in memory is not just the memory's speed.
 */
export const phased = defineWorkload({
  name: 'phased',
  description: 'Moves between working sets (offset, size, uniform or Zipf) on a schedule of phases, cycling.',
  options: phasedOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const offset = scalePages(options.offset, scale);
    // A miniature access stands for `scale` accesses, and computes for all of them.
    const compute = options.compute * scale;
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    let end = 0;
    const phases: Phase[] = options.phases.map((p, i) => {
      const random = ctx.random.split(`phase:${i}`);
      const pages = resolvePages(p.pages, ctx.vmPages, scale);
      const zipf = p.distribution === 'zipf' && pages > 0;
      end += p.duration;
      return {
        end,
        base: offset + resolvePages(p.offset, ctx.vmPages, scale),
        pages,
        writeFraction: p.writeFraction ?? options.writeFraction,
        file: p.file,
        buffer: p.buffer === undefined ? undefined : offset + resolvePages(p.buffer, ctx.vmPages, scale),
        pageIndex:
          pages > 0 && p.distribution === 'uniform'
            ? new UniformIndex(pages, random.split('pages'))
            : undefined,
        sampler: zipf
          ? new ZipfSampler(pages, p.alpha, random.split('ranks'), {
              labels: randomPermutation(pages, random.split('permutation')),
            })
          : undefined,
        next: p.distribution === 'sequential' ? 0 : undefined,
      };
    });
    const cycle = end;
    let start = Number.NaN;

    const fill = (batch: OpBatch, now: SimTime): number => {
      if (Number.isNaN(start)) start = now;
      const elapsed = now - start;
      if (cycle === 0 || (!options.repeat && elapsed >= cycle)) return finish(batch, 0);
      const t = elapsed % cycle;
      let phase = phases[0]!;
      for (const p of phases) {
        phase = p;
        if (t < p.end) break;
      }
      if (phase.pages === 0) return finish(batch, writeCompute(batch, 0, phase.end - t));
      const { base, pageIndex, sampler } = phase;
      // With compute per access, one Compute op closes the batch, within one slice.
      const accesses =
        compute > 0
          ? Math.max(1, Math.min(batch.capacity - 1, Math.floor(COMPUTE_SLICE / compute)))
          : batch.capacity;
      access.setWriteFraction(phase.writeFraction);
      if (sampler !== undefined) sampler.fill(batch.target, 0, accesses, base);
      else if (pageIndex !== undefined) pageIndex.fill(batch.target, 0, accesses, base);
      else phase.next = loopingScan(batch.target, accesses, base, phase.pages, phase.next!);
      access.putAll(batch, 0, accesses);
      if (phase.file) for (let i = 0; i < accesses; i++) batch.kind[i]! += FILE_OP;
      if (phase.buffer !== undefined) copyReads(batch, accesses, base, phase.buffer);
      return finish(batch, writeCompute(batch, accesses, accesses * compute));
    };
    // A phase reads its file blocks at random, uniform or Zipf, each on its own; a scan reads them in runs.
    const files = options.phases.filter((p) => p.file);
    const diskBlocks =
      files.length > 0 && files.every((p) => p.distribution === 'sequential') ? 'together' : 'apart';
    return withLimits({ contract: 'workload@1', name: 'phased', diskBlocks, fill }, options, scale);
  },
});
