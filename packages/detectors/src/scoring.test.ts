import { describe, expect, it } from 'vitest';
import { scoreEstimate } from './scoring';

const times = Float64Array.from({ length: 10 }, (_, i) => i * 1e9);

describe('scoreEstimate', () => {
  it('is perfect for the truth itself', () => {
    const truth = [0, 0, 100, 100, 100, 20, 20, 20, 20, 20];
    expect(scoreEstimate(times, truth, truth)).toEqual({
      meanAbsoluteError: 0,
      lagUp: 0,
      lagDown: 0,
      steps: 2,
    });
  });

  it('measures the error and how long the estimate took to cover 90% of each step', () => {
    const truth = [0, 0, 100, 100, 100, 20, 20, 20, 20, 20];
    const estimate = [0, 0, 50, 95, 100, 100, 60, 30, 25, 20];
    const score = scoreEstimate(times, truth, estimate);
    // Up: 90 reached 1 s after the rise. Down: 28 (20 + 10% of 80) is first undershot at 8 s, 3 s after the fall.
    expect(score.lagUp).toBe(1e9);
    expect(score.lagDown).toBe(3e9);
    expect(score.meanAbsoluteError).toBeCloseTo((50 + 5 + 80 + 40 + 10 + 5) / 10);
  });

  it('counts a step never followed until the end, and has no lag for a direction never taken', () => {
    const truth = [10, 10, 100, 100, 100, 100, 100, 100, 100, 100];
    const score = scoreEstimate(times, truth, new Float64Array(10).fill(10));
    expect(score.lagUp).toBe(7e9);
    expect(score.lagDown).toBeNaN();
  });

  it('refuses series of different lengths, naming the field', () => {
    expect(() => scoreEstimate(times, [1], [1])).toThrow(/estimate: expected times, truth and estimate/);
  });
});
