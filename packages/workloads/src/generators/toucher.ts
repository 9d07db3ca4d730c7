import {
  defineWorkload,
  durationOption,
  type OpBatch,
  OpKind,
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
import { BackgroundTouches } from './background';
import { finish, writeCompute } from './compute';
import { withLimits } from './limits';
import { contentOption, limitOptions, offsetOption, writeFractionOption } from './options';

/**
 * The toucher schedule of ESX's Figure 6 (esx-osdi02 §3.6, digitised [D]): minutes from the start and MiB
 * touched. 0–8.5 min nothing runs; at 27.6 min the toucher exits, and a new one starts at 38.5 min. The paper
 * plots 0–40 min and its data run to 45 min; the last step lasts until the workload is stopped.
 */
export const FIGURE_6_SCHEDULE: readonly { readonly at: string; readonly touch: string }[] = [
  { at: '8.6min', touch: '50MiB' },
  { at: '10.6min', touch: '150MiB' },
  { at: '12.6min', touch: '200MiB' },
  { at: '14.6min', touch: '250MiB' },
  { at: '17.7min', touch: '200MiB' },
  { at: '19.6min', touch: '100MiB' },
  { at: '21.6min', touch: '200MiB' },
  { at: '23.6min', touch: '150MiB' },
  { at: '27.6min', touch: '0MiB' },
  { at: '38.5min', touch: '50MiB' },
  { at: '40.5min', touch: '150MiB' },
  { at: '42.5min', touch: '200MiB' },
  { at: '44.5min', touch: '250MiB' },
];

const stepOptions = z.object({
  at: requiredDurationOption("when the step starts, from the workload's first fill"),
  touch: requiredSizeOption(
    'memory touched from then on, from the start of the buffer; 0: the toucher exits',
    {
      allowZero: true,
    },
  ),
});

export const toucherOptions = z.object({
  schedule: z
    .array(stepOptions)
    .min(1)
    .superRefine((steps, ctx) => {
      for (let i = 1; i < steps.length; i++) {
        if (steps[i]!.at <= steps[i - 1]!.at) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'at'],
            message: `expected steps in increasing order of time, but step ${i} starts no later than step ${i - 1}`,
          });
        }
      }
    })
    .prefault([...FIGURE_6_SCHEDULE])
    .describe(
      'steps { at, touch }: from `at` on, each pass touches the first `touch` of the buffer; before the first ' +
        'step nothing runs (default: the schedule of ESX Figure 6)',
    ),
  period: durationOption('time from the start of one pass over the touched memory to the next', {
    default: '1s',
  }),
  offset: offsetOption(),
  writeFraction: writeFractionOption(1),
  content: contentOption('unique'),
  background: z
    .object({
      pages: sizeOption('background set, placed after the largest step of the buffer', {
        default: 0,
        allowZero: true,
      }),
      rate: z
        .number()
        .min(0)
        .default(200)
        .describe('background touches per simulated second, as a Poisson process (default 200)'),
    })
    .prefault({})
    .describe('background activity of the guest beside the toucher (Figure 6: 10–20 MB); off by default'),
  ops: limitOptions.ops,
  until: limitOptions.until.describe(
    'the toucher exits at this time from its start: it frees its memory, then the workload finishes',
  ),
});

/**
 * ESX's toucher (esx-osdi02 §3.6, Figure 6): a user-level program that repeatedly touches a controlled
 * amount of memory, changed by a schedule of steps, to show how the sampling estimator follows the active
 * memory up (quickly) and down (slowly). Each `period` it makes one pass over the first `touch` pages of its
 * buffer and then computes until the next pass, so idle time costs no memory ops. A step lowering the amount
 * leaves the rest of the buffer allocated but idle; a step of 0 is the process exiting, which frees every
 * page it touched (the freed pages are what the Windows zero-page thread then zeroes: Figure 6's spike at
 * 28 min comes from the guest). A later step starts a new toucher on a fresh buffer. After the last step,
 * if it is 0 and there is no background, the workload finishes.
 */
export const toucher = defineWorkload({
  name: 'toucher',
  description: 'The ESX Figure 6 toucher: passes over a scheduled amount of memory, computing in between.',
  options: toucherOptions,
  create(options, ctx) {
    const scale = scaleOf(ctx);
    const steps = options.schedule;
    const stepAt = steps.map((s) => s.at);
    const stepPages = steps.map((s) => resolvePages(s.touch, ctx.vmPages, scale));
    const offset = scalePages(options.offset, scale);
    const period = options.period;
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const model = createContentModel(options.content, ctx);
    const access = new AccessWriter(ctx.random.split('writes'), options.writeFraction, model);
    const background = new BackgroundTouches(
      offset + Math.max(...stepPages),
      resolvePages(options.background.pages, ctx.vmPages, scale),
      options.background.rate,
      options.writeFraction,
      model,
      ctx.random.split('background'),
      scale,
    );

    let start = Number.NaN;
    let step = -1; // index of the step in force; −1 before the first
    let nextPass = 0;
    let passPages = 0; // pages of the pass under way
    let passAt = 0; // next page of that pass
    let held = 0; // pages [0, held) of the buffer the running toucher has touched
    let freed = 0; // of those, pages already freed by an exit under way
    let done = false;

    const fill = (batch: OpBatch, now: SimTime): number => {
      if (done) return finish(batch, 0);
      if (Number.isNaN(start)) start = now;
      const t = now - start;
      let moved = false;
      while (step + 1 < steps.length && stepAt[step + 1]! <= t) {
        step++;
        moved = true;
      }
      const exiting = t >= until;
      const pages = exiting || step < 0 ? 0 : stepPages[step]!;
      if (moved) {
        // A new step starts a pass at once, with the new amount.
        passPages = 0;
        passAt = 0;
        nextPass = now;
      }
      const { kind, target, content, capacity } = batch;
      let i = 0;

      if (pages === 0 && held > 0) {
        while (freed < held && i < capacity) {
          kind[i] = OpKind.Free;
          target[i] = offset + freed++;
          content[i] = 0;
          i++;
        }
        if (freed < held) return finish(batch, i);
        held = 0;
        freed = 0;
      }
      if (exiting) {
        done = true;
        return finish(batch, i);
      }

      i = background.writeDue(batch, i, now);

      if (passAt === passPages && pages > 0 && now >= nextPass) {
        passPages = pages;
        passAt = 0;
        // Behind schedule (a pass took longer than the period): the next pass follows at once.
        nextPass = Math.max(nextPass + period, now);
      }
      while (passAt < passPages && i < capacity) {
        const vpn = offset + passAt++;
        access.put(batch, i, vpn);
        i++;
      }
      if (passAt > held) held = passAt;
      if (i > 0) return finish(batch, i);

      // Nothing to do now: compute until the next pass, background touch, step or exit.
      const nextStep = step + 1 < steps.length ? start + stepAt[step + 1]! : Number.POSITIVE_INFINITY;
      const wake = Math.min(
        pages > 0 ? nextPass : Number.POSITIVE_INFINITY,
        background.next,
        nextStep,
        start + until,
      );
      if (wake === Number.POSITIVE_INFINITY && held === 0) {
        done = true;
        return finish(batch, 0);
      }
      return finish(batch, writeCompute(batch, 0, wake - now));
    };
    return withLimits({ contract: 'workload@1', name: 'toucher', fill }, { ops: options.ops }, scale);
  },
});
