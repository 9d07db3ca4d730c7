import { fc, test } from '@fast-check/vitest';
import { createRandom, InvalidInputError } from '@hvsim/spec';
import { randomPermutation, ZipfSampler, zipfPmf } from '@hvsim/workloads';
import { describe, expect } from 'vitest';
import { chiSquare, chiSquareBound, scriptedStream } from './random-test-support';
import { ZIPF_TABLE_MAX_RANKS, ZipfAliasTable } from './zipf-sampler';

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

describe('ZipfAliasTable', () => {
  const CASES: [number, number][] = [
    [1, 0.99],
    [2, 0.5],
    [3, 0],
    [10, 0],
    [10, 2],
    [100, 0.99],
    [1000, 0.99],
    [1000, 1],
    [1000, 1.5],
    [1000, 3],
    [4097, 0.7],
    [32768, 0.99],
  ];

  test.each(CASES)('n %d, alpha %d: the table holds the exact pmf', (n, alpha) => {
    const table = new ZipfAliasTable(n, alpha, createRandom(1));
    const held = table.probabilities();
    const pmf = zipfPmf(n, alpha);
    for (let k = 0; k < n; k++)
      expect(Math.abs(held[k]! - pmf[k]!)).toBeLessThanOrEqual(1e-12 * pmf[k]! + 1e-17);
  });

  test.each(CASES)('n %d, alpha %d: draws pass χ² against the pmf', (n, alpha) => {
    const table = new ZipfAliasTable(n, alpha, createRandom(n * 31 + Math.round(alpha * 100)).split('zipf'));
    const counts = new Float64Array(n);
    for (let i = 0; i < DRAWS; i++) counts[table.next()]!++;
    const { chi2, df } = chiSquare(counts, zipfPmf(n, alpha));
    expect(chi2).toBeLessThan(chiSquareBound(df));
  });

  test('a column needs more than one draw only when its coin bits equal its threshold', () => {
    // n = 3, alpha = 0: 4 columns (2 column bits, 30 coin bits); Vose leaves rank 0 whole, rank 1 keeping
    // 2/3 (the rest from rank 0), rank 2 keeping 1/3 (the rest from rank 1), and column 3 all alias (rank 2).
    const column = (c: number, coin: number) => c * 2 ** 30 + coin;
    const whole1 = Math.floor((2 / 3) * 2 ** 30);
    const draw = (...words: number[]) => new ZipfAliasTable(3, 0, scriptedStream(words)).next();
    expect(draw(column(0, 2 ** 30 - 1))).toBe(0);
    expect(draw(column(1, whole1 - 1))).toBe(1);
    expect(draw(column(1, whole1 + 1))).toBe(0);
    expect(draw(column(3, 0))).toBe(2);
    expect(draw(column(3, 2 ** 30 - 1))).toBe(2);
    // A tie: the next draw continues the comparison with the fraction of the threshold, 0.666…
    expect(draw(column(1, whole1), 0)).toBe(1);
    expect(draw(column(1, whole1), 0xffffffff)).toBe(0);
    const stream = scriptedStream([column(1, whole1), 0xaaaaaaaa, 0]);
    new ZipfAliasTable(3, 0, stream).next();
    expect(stream.drawn).toBeGreaterThanOrEqual(2);
  });

  test('fill takes the words of ties in the stream order, as next does', () => {
    const column = (c: number, coin: number) => c * 2 ** 30 + coin;
    const whole1 = Math.floor((2 / 3) * 2 ** 30);
    const tie = column(1, whole1);
    // Five values from eight words: ties in the first (kept), third (alias) and last value.
    const words = [tie, 0, column(0, 5), tie, 0xffffffff, column(3, 0), tie, 0];
    const one = new ZipfAliasTable(3, 0, scriptedStream(words));
    const stream = scriptedStream(words);
    const out = new Float64Array(5);
    new ZipfAliasTable(3, 0, stream).fill(out, 0, 5);
    expect(Array.from(out)).toEqual([1, 0, 0, 2, 1]);
    expect(Array.from(out)).toEqual(Array.from({ length: 5 }, () => one.next()));
    expect(stream.drawn).toBe(words.length);
  });

  test('a table too large for the cache, whose fill draws ahead, also fills the draws of next, ties included', () => {
    const random = createRandom(5);
    let drawn = 0;
    const counted = {
      ...random,
      nextU32() {
        drawn++;
        return random.nextU32();
      },
    };
    const n = 100_000; // 2^17 columns of 15 coin bits: a tie in about 2^15 draws
    const values = 2 ** 18;
    const out = new Float64Array(values);
    new ZipfAliasTable(n, 0.99, counted).fill(out, 0, values);
    expect(drawn).toBeGreaterThan(values); // ties took more words
    const one = new ZipfAliasTable(n, 0.99, createRandom(5));
    for (let i = 0; i < values; i++) if (out[i] !== one.next()) expect.fail(`value ${i} differs`);
  });

  test.each([
    ['a permutation of the ranks (folded into the columns)', (rank: number) => rank],
    ['labels beyond the columns (looked up after the draw)', (rank: number) => rank * 1000 + 2 ** 31],
  ])('labels replace ranks, and fill writes offset + the draws of next: %s', (_, label) => {
    const n = 500;
    const labels = randomPermutation(n, createRandom(4)).map(label);
    const plain = new ZipfAliasTable(n, 0.99, createRandom(9));
    const labelled = new ZipfAliasTable(n, 0.99, createRandom(9), labels);
    const bulk = new ZipfAliasTable(n, 0.99, createRandom(9), labels);
    const out = new Float64Array(5002);
    bulk.fill(out, 1, 5001, 100);
    for (let i = 0; i < 5000; i++) {
      const rank = plain.next();
      expect(labelled.next()).toBe(labels[rank]);
      expect(out[i + 1]).toBe(100 + labels[rank]!);
    }
    expect(out[0]).toBe(0);
    expect(out[5001]).toBe(0);
  });
});

describe('ZipfSampler methods', () => {
  test('uses the table up to maxTableRanks, rejection-inversion above', () => {
    expect(new ZipfSampler(ZIPF_TABLE_MAX_RANKS, 0.99, createRandom(1)).method).toBe('alias');
    expect(new ZipfSampler(1000, 0.99, createRandom(1), { maxTableRanks: 999 }).method).toBe(
      'rejection-inversion',
    );
  });

  test.each([
    [10, 0],
    [50, 0.99],
    [1000, 1.2],
    [1000, 3],
  ])('the fallback, n %d, alpha %d, also passes χ², with labels', (n, alpha) => {
    const labels = randomPermutation(n, createRandom(2));
    const sampler = new ZipfSampler(n, alpha, createRandom(n).split('zipf'), { maxTableRanks: 0, labels });
    const counts = new Float64Array(n);
    for (let i = 0; i < DRAWS; i++) counts[sampler.next()]!++;
    const pmf = zipfPmf(n, alpha);
    const byLabel = new Float64Array(n);
    for (let k = 0; k < n; k++) byLabel[labels[k]!] = pmf[k]!;
    // Compare in rank order, so that the pooled tail is the tail.
    const { chi2, df } = chiSquare(
      Array.from(labels, (label) => counts[label]!),
      Array.from(labels, (label) => byLabel[label]!),
    );
    expect(chi2).toBeLessThan(chiSquareBound(df));
  });

  test.each([0, Number.POSITIVE_INFINITY])('fill matches next (maxTableRanks %d)', (maxTableRanks) => {
    const one = new ZipfSampler(300, 1.1, createRandom(3), { maxTableRanks });
    const bulk = new ZipfSampler(300, 1.1, createRandom(3), { maxTableRanks });
    const out = new Float64Array(1000);
    bulk.fill(out, 0, 1000, 7);
    for (let i = 0; i < 1000; i++) expect(out[i]).toBe(7 + one.next());
  });

  test('rejects labels of the wrong length', () => {
    expect(() => new ZipfSampler(10, 1, createRandom(1), { labels: new Uint32Array(9) })).toThrow(/labels/);
  });
});
