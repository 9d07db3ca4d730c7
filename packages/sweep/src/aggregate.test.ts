import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { seedStats } from './aggregate';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('statistics across seeds', () => {
  test("gives the mean, the sample deviation and Student's t interval", () => {
    const s = seedStats([1, 2, 3]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.sd).toBe(1);
    // t(0.975, 2) = 4.302652…: the interval is 2 ± 4.3027 / √3.
    expect(s.ciHigh - s.mean).toBeCloseTo(4.302652729 / Math.sqrt(3), 8);
    expect(s.mean - s.ciLow).toBeCloseTo(4.302652729 / Math.sqrt(3), 8);
  });

  test('leaves out runs without a value, and has no spread below two runs', () => {
    expect(seedStats([4, Number.NaN, 6])).toMatchObject({ n: 2, mean: 5 });
    const one = seedStats([7, Number.NaN]);
    expect(one).toMatchObject({ n: 1, mean: 7 });
    expect([one.sd, one.ciLow, one.ciHigh].every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(seedStats([]).mean)).toBe(true);
  });

  property.prop([fc.array(finite, { minLength: 2, maxLength: 30 })])(
    'an interval holds its mean',
    (values) => {
      const s = seedStats(values);
      expect(s.ciLow).toBeLessThanOrEqual(s.mean);
      expect(s.ciHigh).toBeGreaterThanOrEqual(s.mean);
      expect(s.mean).toBeGreaterThanOrEqual(Math.min(...values) - 1e-6);
      expect(s.mean).toBeLessThanOrEqual(Math.max(...values) + 1e-6);
    },
  );

  property.prop([
    fc
      .array(finite, { maxLength: 30 })
      .chain((v) =>
        fc.tuple(fc.constant(v), fc.shuffledSubarray(v, { minLength: v.length, maxLength: v.length })),
      ),
  ])('is the same, bit for bit, whatever order the runs finished in', ([values, shuffled]) => {
    expect(seedStats(shuffled)).toEqual(seedStats(values));
  });
});
