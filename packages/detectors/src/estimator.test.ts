import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ActivityEstimator } from './estimator';

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const gain = fc.double({ min: 0.01, max: 1, noNaN: true });

describe('ActivityEstimator (ESX reference §4.3 I)', () => {
  test.prop([gain, gain, fc.array(fraction, { maxLength: 30 }), fraction])(
    'the estimate is a fraction, at least the slow and the fast average',
    (slowGain, fastGain, periods, soFar) => {
      const e = new ActivityEstimator(slowGain, fastGain);
      for (const f of periods) e.endPeriod(f);
      const estimate = e.estimate(soFar);
      expect(estimate).toBeGreaterThanOrEqual(0);
      expect(estimate).toBeLessThanOrEqual(1 + 1e-12);
      expect(estimate).toBeGreaterThanOrEqual(e.slow);
      expect(estimate).toBeGreaterThanOrEqual(e.fast);
    },
  );

  test.prop([gain, gain, fc.array(fraction, { maxLength: 20 }), fc.integer({ min: 1, max: 20 })])(
    'with no touches the slow average decays by exactly 1 − gain per period, and the estimate never rises',
    (slowGain, fastGain, periods, idle) => {
      const e = new ActivityEstimator(slowGain, fastGain);
      for (const f of periods) e.endPeriod(f);
      for (let m = 0; m < idle; m++) {
        const slow = e.slow;
        const before = e.estimate(0);
        e.endPeriod(0);
        expect(e.slow).toBeCloseTo(slow * (1 - slowGain), 12);
        expect(e.estimate(0)).toBeLessThanOrEqual(before + 1e-15);
      }
    },
  );

  test.prop([gain, gain, fc.array(fraction, { maxLength: 20 })])(
    'when every sample is touched, the current period lifts the estimate to fast + gain·(1 − fast) at once',
    (slowGain, fastGain, periods) => {
      const e = new ActivityEstimator(slowGain, fastGain);
      for (const f of periods) e.endPeriod(f);
      expect(e.estimate(1)).toBeGreaterThanOrEqual(e.fast + fastGain * (1 - e.fast) - 1e-12);
    },
  );

  it('rises faster than it falls with the default gains', () => {
    const e = new ActivityEstimator(0.25, 0.7);
    let rise = 0;
    while (e.estimate(1) < 0.9) {
      e.endPeriod(1);
      rise++;
    }
    for (let i = 0; i < 60; i++) e.endPeriod(1); // steady full activity
    let fall = 0;
    while (e.estimate(0) > 0.1) {
      e.endPeriod(0);
      fall++;
    }
    expect(rise).toBeLessThan(fall);
    // From full activity the slow average decays 0.75 per period: 9 periods to fall below 0.1.
    expect(fall).toBe(Math.ceil(Math.log(0.1) / Math.log(0.75)));
  });

  it('refuses gains outside (0, 1] and fractions outside [0, 1], naming them', () => {
    expect(() => new ActivityEstimator(0, 0.7)).toThrow(/slowGain: expected a gain in \(0, 1\], got 0/);
    expect(() => new ActivityEstimator(0.25, 1.5)).toThrow(/fastGain/);
    const e = new ActivityEstimator(0.25, 0.7);
    expect(() => e.endPeriod(1.2)).toThrow(/fraction: expected an active fraction in \[0, 1\]/);
    expect(() => e.estimate(Number.NaN)).toThrow(/fraction/);
  });
});
