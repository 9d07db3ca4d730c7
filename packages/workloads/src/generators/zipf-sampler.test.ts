import { fc, test } from '@fast-check/vitest';
import { createRandom, InvalidInputError } from '@hvsim/spec';
import { randomPermutation, ZipfSampler, zipfPmf } from '@hvsim/workloads';
import { describe, expect } from 'vitest';

const DRAWS = 100_000;

/** Observed frequencies of each rank over DRAWS draws. */
function frequencies(n: number, exponent: number, seed: number): Float64Array {
  const sampler = new ZipfSampler(n, exponent, createRandom(seed).split('zipf'));
  const counts = new Float64Array(n);
  for (let i = 0; i < DRAWS; i++) counts[sampler.next()]!++;
  return counts.map((c) => c / DRAWS);
}

describe('ZipfSampler', () => {
  test('the exact pmf sums to 1 and decreases', () => {
    const pmf = zipfPmf(10, 0.99);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let k = 1; k < 10; k++) expect(pmf[k]!).toBeLessThan(pmf[k - 1]!);
    expect(pmf[0]! / pmf[1]!).toBeCloseTo(2 ** 0.99, 12);
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 40 }),
      fc.oneof(fc.constantFrom(0, 0.5, 0.99, 1, 1.2, 2), fc.double({ min: 0, max: 3, noNaN: true })),
      fc.integer(),
    ],
    { numRuns: 25 },
  )('draws ranks with the exact Zipf frequencies', (n, exponent, seed) => {
    const observed = frequencies(n, exponent, seed);
    const pmf = zipfPmf(n, exponent);
    let chi2 = 0;
    for (let k = 0; k < n; k++) {
      const p = pmf[k]!;
      // Each rank within 5 standard deviations of its binomial count (plus a hair for rounding).
      expect(Math.abs(observed[k]! - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / DRAWS) + 1e-9);
      chi2 += ((observed[k]! - p) ** 2 * DRAWS) / p;
    }
    // χ² with n−1 degrees of freedom: mean n−1, sd √(2(n−1)); 6 sd above the mean never happens by chance.
    expect(chi2).toBeLessThan(n - 1 + 6 * Math.sqrt(2 * Math.max(1, n - 1)) + 5);
  });

  test('covers the whole range on a large n, the head with its exact mass', () => {
    const n = 1_000_000;
    const sampler = new ZipfSampler(n, 0.99, createRandom(3).split('zipf'));
    let min = n;
    let max = -1;
    let head = 0;
    for (let i = 0; i < DRAWS; i++) {
      const k = sampler.next();
      if (k < min) min = k;
      if (k > max) max = k;
      if (k < 10) head++;
    }
    const pmf = zipfPmf(n, 0.99);
    const headMass = pmf.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(min).toBe(0);
    expect(max).toBeGreaterThan(n / 2);
    expect(max).toBeLessThan(n);
    expect(Math.abs(head / DRAWS - headMass)).toBeLessThan(0.01);
  });

  test('one element is always rank 0', () => {
    const sampler = new ZipfSampler(1, 0.99, createRandom(1));
    for (let i = 0; i < 100; i++) expect(sampler.next()).toBe(0);
  });

  test('rejects an empty range or a negative exponent', () => {
    expect(() => new ZipfSampler(0, 1, createRandom(1))).toThrow(InvalidInputError);
    expect(() => new ZipfSampler(10, -1, createRandom(1))).toThrow(/exponent/);
  });
});

describe('randomPermutation', () => {
  test.prop([fc.integer({ min: 0, max: 2000 }), fc.integer()])(
    'is a permutation, the same for the same stream',
    (n, seed) => {
      const perm = randomPermutation(n, createRandom(seed));
      expect([...perm].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(randomPermutation(n, createRandom(seed))).toEqual(perm);
    },
  );
});
