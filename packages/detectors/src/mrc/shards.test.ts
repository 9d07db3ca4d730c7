import { fc, test } from '@fast-check/vitest';
import { InvalidInputError, validateMissRatioCurve } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { ExactMrc } from './exact';
import { idHash } from './id-hash';
import { Shards } from './shards';
import { evenSizes, meanAbsoluteError, zipfTrace } from './test-support';

const trace = fc.array(fc.nat({ max: 500 }), { minLength: 1, maxLength: 400 });

function exactOf(ids: Float64Array): ExactMrc {
  const exact = new ExactMrc();
  exact.accessAll(ids);
  return exact;
}

function shardsOf(ids: Float64Array, options: ConstructorParameters<typeof Shards>[0]): Shards {
  const shards = new Shards(options);
  shards.accessAll(ids);
  return shards;
}

describe('SHARDS', () => {
  test.prop([trace, fc.boolean()])(
    'at rate 1, or with room for every id, equals the exact curve',
    (values, adjust) => {
      const ids = Float64Array.from(values);
      const exact = exactOf(ids).curve();
      expect(shardsOf(ids, { rate: 1, adjust }).curve()).toEqual(exact);
      expect(shardsOf(ids, { maxSamples: 501, adjust }).curve()).toEqual(exact);
      const one = new Shards({ rate: 1 });
      for (const id of values) one.access(id);
      expect(one.curve()).toEqual(exact);
    },
  );

  test.prop([trace, fc.integer({ min: 1, max: 60 }), fc.boolean()])(
    'fixed size keeps exactly the seen ids whose key is below the threshold, at most s_max of them',
    (values, maxSamples, adjust) => {
      const shards = new Shards({ maxSamples, adjust });
      let rate = shards.rate;
      for (const id of values) {
        shards.access(id);
        expect(shards.rate).toBeLessThanOrEqual(rate);
        rate = shards.rate;
        expect(shards.samples).toBeLessThanOrEqual(maxSamples);
      }
      const threshold = rate * 2 ** 24;
      const kept = new Set(values.filter((id) => (idHash(id) & 0xffffff) < threshold));
      expect(shards.samples).toBe(kept.size);
      expect(shards.references).toBe(values.length);
      validateMissRatioCurve(shards.curve());
    },
  );

  test.prop([trace, fc.double({ min: 0.001, max: 1, noNaN: true }), fc.boolean()])(
    'always gives a valid curve, adjusted or not',
    (values, rate, adjust) => {
      const ids = Float64Array.from(values);
      const shards = shardsOf(ids, { rate, adjust });
      const curve = validateMissRatioCurve(shards.curve());
      expect(curve.references).toBe(values.length);
      const threshold = shards.rate * 2 ** 24;
      expect(shards.sampledReferences).toBe(
        values.filter((id) => (idHash(id) & 0xffffff) < threshold).length,
      );
      validateMissRatioCurve(shards.curve([1, 10, 1000]));
    },
  );

  // Zipf 0.9 over 150 000 pages, 1 M references (about 124 000 distinct pages), compared at 50 sizes evenly
  // spaced up to the distinct count. Measured mean absolute errors, seeds 1/2/3: fixed rate 0.01
  // 0.0038/0.0091/0.0048 (0.026/0.082/0.12 unadjusted); fixed size 8 Ki 0.0035/0.0051/0.0009
  // (0.018/0.027/0.039 unadjusted).
  it.each([1, 2, 3])(
    'estimates a Zipf trace of 1 M references within 0.01 mean absolute error (seed %i)',
    (seed) => {
      const ids = zipfTrace(1_000_000, 150_000, 0.9, seed);
      const exact = exactOf(ids);
      expect(exact.stack.distinct).toBeGreaterThan(100_000);
      const sizes = evenSizes(50, exact.stack.distinct);
      const reference = exact.curve(sizes);
      const error = (options: ConstructorParameters<typeof Shards>[0]) =>
        meanAbsoluteError(reference, validateMissRatioCurve(shardsOf(ids, options).curve(sizes)));
      const fixedRate = error({ rate: 0.01 });
      const fixedSize = error({ maxSamples: 8192 });
      expect(fixedRate).toBeLessThanOrEqual(0.01);
      expect(fixedSize).toBeLessThanOrEqual(0.01);
      // The adjustment moves both variants toward the exact curve.
      expect(fixedRate).toBeLessThan(error({ rate: 0.01, adjust: false }));
      expect(fixedSize).toBeLessThan(error({ maxSamples: 8192, adjust: false }));
    },
    30_000,
  );

  it('counts a sampled distance d at d / R', () => {
    // Ids 0..n−1 twice over: each sampled re-reference is at sampled distance S (the sampled ids), so at d /
    // R.
    const n = 20_000;
    const ids = Float64Array.from({ length: 2 * n }, (_, i) => i % n);
    const shards = shardsOf(ids, { rate: 0.05, adjust: false });
    const estimate = shards.samples / shards.rate;
    expect(Math.abs(estimate - n) / n).toBeLessThan(0.1);
    const curve = shards.curve([Math.ceil(estimate) - 1, Math.ceil(estimate)]);
    expect(Array.from(curve.missRatios)).toEqual([1, 0.5]);
  });

  it('names the field of every bad option and input', () => {
    for (const rate of [0, -0.5, 1.5, Number.NaN, undefined]) {
      expect(() => new Shards({ rate } as { rate: number })).toThrow(
        /^rate: expected a sampling rate in \(0, 1\]/,
      );
    }
    for (const maxSamples of [0, -1, 2.5, Number.NaN, 2 ** 29]) {
      expect(() => new Shards({ maxSamples })).toThrow(/^maxSamples: expected a whole number/);
    }
    expect(() => new Shards({ maxSamples: 10, initialRate: 0 })).toThrow(/^initialRate: /);
    const shards = new Shards({ rate: 0.5 });
    expect(() => shards.access(-1)).toThrow(InvalidInputError);
    expect(() => shards.access(1.5)).toThrow(/^id: /);
    expect(() => shards.accessAll(Float64Array.of(1, 2 ** 31))).toThrow(/^id: .*at index 1/);
    expect(shards.references).toBe(0);
    expect(() => shards.accessAll(Float64Array.of(1), 2)).toThrow(/^start: /);
    expect(() => shards.curve([])).toThrow(/^sizes: /);
    expect(() => shards.curve([3, 1])).toThrow(/^sizes\[1\]: /);
  });

  it('refuses to lower the threshold to 0 when more than s_max sampled ids share key 0', () => {
    // The two smallest ids whose key (hash mod 2^24) is 0.
    const [a, b] = [11_315_052, 36_671_389];
    expect([idHash(a) & 0xffffff, idHash(b) & 0xffffff]).toEqual([0, 0]);
    const shards = new Shards({ maxSamples: 1 });
    shards.access(a);
    expect(() => shards.access(b)).toThrow(
      /^maxSamples: more than 1 sampled ids share the smallest hash key/,
    );
  });
});
