import { MAX_SCALE } from '@hvsim/spec';
import { z } from 'zod';

/** Most points a sweep may expand to (matrix × seeds): more is a typo in a range, not a study. */
export const MAX_SWEEP_RUNS = 100_000;

/** A value a matrix path takes: whatever the scenario accepts there (a size, a name, a number, a map…). */
const matrixValue = z.unknown().refine((value) => value !== undefined && value !== null, {
  error: 'expected a value the scenario accepts at this path, got nothing',
});

/** `{ from, to, step }`: from, from + step, … up to and including `to`. */
const range = z
  .strictObject({
    from: z.number().describe('the first value'),
    to: z.number().describe('the last value, when a whole number of steps from `from`'),
    step: z.number().positive('expected a step above 0').describe('the distance between values'),
  })
  .refine((r) => r.to >= r.from, { error: 'expected `to` at least `from`' })
  .refine((r) => Math.floor((r.to - r.from) / r.step + 1e-9) + 1 <= MAX_SWEEP_RUNS, {
    error: `expected at most ${MAX_SWEEP_RUNS.toLocaleString('en')} values`,
  });

const chart = z.strictObject({
  x: z.string().describe('a matrix path or variant axis, on the x axis'),
  y: z.string().describe('a metric name, its mean across seeds on the y axis with a 95% confidence band'),
  color: z.string().optional().describe('a matrix path or variant axis, a line per value'),
  title: z.string().optional(),
});

/**
 * A sweep file: a scenario run at every combination of its axes' values, once per seed. An axis is a matrix
 * path, a dot path into the scenario (`host.memory`, `vms[web].count`: the item named web, `vms[0]`: the
 * first), or a variant axis, whose named variants each set several paths. Metrics are paths into each run's
 * summary, reduced over `[*]` by `| sum`, `| mean`, `| min`, `| max` or `| count`.
 */
export const sweepSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema this file follows (for editors)'),
    name: z.string().min(1).describe('a title for the results and charts'),
    description: z.string().optional(),
    scenario: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())], {
        error: 'expected the path of a scenario file, or a scenario written inline',
      })
      .describe('a scenario file (relative to the sweep file), or the scenario itself'),
    scale: z
      .number()
      .int()
      .min(1)
      .max(MAX_SCALE)
      .optional()
      .describe('run every point as a miniature at this scale (`sweep --scale` overrides it)'),
    matrix: z
      .record(
        z.string(),
        z.union([z.array(matrixValue).min(1, 'expected at least one value'), range], {
          error: 'expected a list of values, or { from, to, step }',
        }),
      )
      .default({})
      .describe('scenario paths, each with the values it takes: a list, or { from, to, step }'),
    variants: z
      .record(
        z.string().regex(/^[\w .-]+$/, 'expected a name of letters, digits, blanks, _ . or -'),
        z
          .record(z.string().min(1), z.record(z.string(), matrixValue))
          .refine((variants) => Object.keys(variants).length > 0, { error: 'expected at least one variant' }),
      )
      .default({})
      .describe(
        'named axes whose values set several paths at once, e.g. policy: { CMM2: { policies.stack: none, vms[vm].guest.pageHints: true } }',
      ),
    seeds: z
      .array(z.number().int())
      .min(1, 'expected at least one seed')
      .refine((seeds) => new Set(seeds).size === seeds.length, { error: 'expected each seed once' })
      .default([1])
      .describe('every point runs once per seed (default [1])'),
    exclude: z
      .array(z.record(z.string(), z.unknown()))
      .default([])
      .describe(
        'combinations to skip: each a map of axes to values (variant names), all of which must match',
      ),
    metrics: z
      .record(
        z.string().regex(/^[\w.-]+$/, 'expected a name of letters, digits, _ . or -'),
        z.string().min(1),
      )
      .optional()
      .describe(
        'named values from each run\'s summary, e.g. throughput: "vms[*].throughput | sum" (default: every summary figure)',
      ),
    chart: z
      .union([chart, z.array(chart).min(1)])
      .optional()
      .describe('what to draw: x an axis (a matrix path or a variant axis), y a metric, color an axis'),
  })
  .describe('an hvsim sweep: a scenario over a matrix of values and seeds');

export type SweepFile = z.output<typeof sweepSchema>;
export type SweepChart = z.output<typeof chart>;
