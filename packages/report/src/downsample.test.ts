import { fc, test } from '@fast-check/vitest';
import { InvalidInputError } from '@hvsim/spec';
import { describe, expect } from 'vitest';
import { downsampleColumns } from './downsample';

/** A sample: mostly numbers (±0 and the infinities included), sometimes NaN, a gap in a series. */
const sample = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);

/** Series of one table: 1 to 3 of the same length, and a point budget. */
const table = fc
  .record({ length: fc.nat({ max: 120 }), count: fc.integer({ min: 1, max: 3 }) })
  .chain(({ length, count }) =>
    fc.record({
      series: fc.array(fc.array(sample, { minLength: length, maxLength: length }), {
        minLength: count,
        maxLength: count,
      }),
      maxPoints: fc.integer({ min: 2, max: 40 }),
    }),
  );

const numbers = (values: readonly number[]) => values.filter((v) => !Number.isNaN(v));
/** -0 as 0: the cut keeps whichever of two equal zeros came first, and Math.min picks -0. */
const plain = (value: number) => value + 0;

/**
 * The runs a cut table's rows stand for: with more samples than points each run keeps two rows, its first and
 * last sample, so the rows come in pairs.
 */
const runsOf = (rows: readonly number[]) =>
  Array.from({ length: rows.length / 2 }, (_, r) => ({ first: rows[2 * r]!, last: rows[2 * r + 1]! }));

describe('downsampleColumns', () => {
  test.prop([table])('gives at most maxPoints ascending rows, and a value per row in every column', (t) => {
    const shown = downsampleColumns(t.series, t.maxPoints);
    const length = t.series[0]!.length;
    expect(shown.rows.length).toBeLessThanOrEqual(t.maxPoints);
    expect(shown.rows.length).toBeLessThanOrEqual(length);
    const bad = shown.rows.filter(
      (row, i) => !Number.isInteger(row) || row < 0 || row >= length || (i > 0 && row <= shown.rows[i - 1]!),
    );
    expect(bad).toEqual([]);
    expect(shown.values).toHaveLength(t.series.length);
    for (const column of shown.values) expect(column).toHaveLength(shown.rows.length);
  });

  test.prop([table])('cuts nothing from a table no longer than maxPoints', (t) => {
    fc.pre(t.series[0]!.length <= t.maxPoints);
    const shown = downsampleColumns(t.series, t.maxPoints);
    expect(shown.rows).toEqual(t.series[0]!.map((_, i) => i));
    // toEqual treats NaN as equal to NaN, which is what the identity needs.
    expect(shown.values).toEqual(t.series);
  });

  test.prop([table])("keeps every series' largest and smallest value", (t) => {
    const shown = downsampleColumns(t.series, t.maxPoints);
    t.series.forEach((series, s) => {
      const present = numbers(series);
      if (present.length === 0) return;
      expect(shown.values[s]).toContain(Math.max(...present));
      expect(shown.values[s]).toContain(Math.min(...present));
    });
  });

  test.prop([table])(
    'cuts a long table into runs covering every sample once, each keeping its smallest and largest value in order',
    (t) => {
      const length = t.series[0]!.length;
      fc.pre(length > t.maxPoints);
      const shown = downsampleColumns(t.series, t.maxPoints);
      // Half the budget in runs, of two rows each.
      expect(shown.rows).toHaveLength(2 * Math.floor(t.maxPoints / 2));
      const runs = runsOf(shown.rows);
      expect(runs[0]!.first).toBe(0);
      expect(runs.at(-1)!.last).toBe(length - 1);
      runs.forEach((run, r) => {
        expect(run.last).toBeGreaterThan(run.first);
        if (r > 0) expect(run.first).toBe(runs[r - 1]!.last + 1);
      });
      t.series.forEach((series, s) => {
        runs.forEach((run, r) => {
          const samples = series.slice(run.first, run.last + 1);
          const [early, late] = [shown.values[s]![2 * r]!, shown.values[s]![2 * r + 1]!];
          const present = numbers(samples);
          if (present.length === 0) {
            // A run of nothing but NaN stays NaN.
            expect([early, late]).toEqual([Number.NaN, Number.NaN]);
            return;
          }
          // NaN never stands for a run that has a number.
          expect(Number.isNaN(early) || Number.isNaN(late)).toBe(false);
          const low = Math.min(...present);
          const high = Math.max(...present);
          expect([Math.min(early, late), Math.max(early, late)].map(plain)).toEqual([low, high].map(plain));
          // Each is a sample of the run, and they keep the order the samples came in.
          const at = (value: number) => samples.indexOf(value);
          expect(at(early)).toBeGreaterThanOrEqual(0);
          expect(at(late)).toBeGreaterThanOrEqual(0);
          if (early !== late) expect(at(early)).toBeLessThan(at(late));
        });
      });
    },
  );

  test('keeps a one-sample spike that a stride would miss, at its run', () => {
    const series = Array.from({ length: 100 }, (_, i) => (i === 37 ? 1000 : i === 62 ? -5 : 1));
    const shown = downsampleColumns([series], 10);
    expect(shown.rows).toEqual([0, 19, 20, 39, 40, 59, 60, 79, 80, 99]);
    expect(shown.values[0]).toEqual([1, 1, 1, 1000, 1, 1, 1, -5, 1, 1]);
  });

  test('lets a number win over NaN wherever the NaN sits in its run', () => {
    const nan = Number.NaN;
    const shown = downsampleColumns([[nan, 3, nan, 1, 2, nan, nan, nan]], 4);
    expect(shown.rows).toEqual([0, 3, 4, 7]);
    expect(shown.values[0]).toEqual([3, 1, 2, 2]);
    expect(shown.values[0]).toHaveLength(4);
    const gaps = downsampleColumns([[nan, nan, nan, 5, 6, 4]], 2);
    expect(gaps.values[0]).toEqual([6, 4]);
  });

  test('gives nothing for no series or no samples', () => {
    expect(downsampleColumns([], 4)).toEqual({ rows: [], values: [] });
    expect(downsampleColumns([[]], 4)).toEqual({ rows: [], values: [[]] });
  });

  test.each([1, 0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects maxPoints %s, naming it',
    (maxPoints) => {
      const attempt = () => downsampleColumns([[1, 2, 3]], maxPoints);
      expect(attempt).toThrow(InvalidInputError);
      expect(attempt).toThrow(/^maxPoints: expected a whole number of points from 2 up/);
    },
  );
});
