import { fc, test } from '@fast-check/vitest';
import { validateMissRatioCurve } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { StackDistanceHistogram } from './histogram';

const distance = fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constant(Infinity));
const sizes = fc
  .uniqueArray(fc.double({ min: 0.001, max: 6000, noNaN: true }), { minLength: 1, maxLength: 30 })
  .map((s) => s.sort((a, b) => a - b));

function histogramOf(distances: readonly number[]): StackDistanceHistogram {
  const h = new StackDistanceHistogram();
  for (const d of distances) h.add(d);
  return h;
}

describe('StackDistanceHistogram', () => {
  test.prop([fc.array(distance, { maxLength: 200 })])(
    'gives a valid curve at its default sizes, which are whole, increasing and reach the largest distance',
    (distances) => {
      const h = histogramOf(distances);
      const curve = validateMissRatioCurve(h.curve());
      const finite = distances.filter((d) => d !== Infinity);
      const last = curve.sizes[curve.sizes.length - 1]!;
      expect(last).toBe(Math.max(1, ...finite));
      for (const s of curve.sizes) expect(Number.isInteger(s)).toBe(true);
      // At the largest distance only the cold misses miss.
      if (distances.length > 0)
        expect(curve.missRatios.at(-1)).toBe((distances.length - finite.length) / distances.length);
      expect(curve.references).toBe(distances.length);
    },
  );

  test.prop([fc.array(distance, { minLength: 1, maxLength: 200 }), sizes])(
    'honours explicit sizes: the miss ratio at s is the share of distances above s, cold included',
    (distances, at) => {
      const curve = validateMissRatioCurve(histogramOf(distances).curve(at));
      expect(Array.from(curve.sizes)).toEqual(at);
      at.forEach((s, i) => {
        expect(curve.missRatios[i]).toBeCloseTo(distances.filter((d) => d > s).length / distances.length, 12);
      });
    },
  );

  test.prop([fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 200 }), fc.nat({ max: 20 })])(
    'addCounts counts as add does for whole distances',
    (distances, cold) => {
      const one = histogramOf([...distances, ...Array.from({ length: cold }, () => Infinity)]);
      const counts = new Float64Array(301);
      for (const d of distances) counts[d]!++;
      const batch = new StackDistanceHistogram();
      batch.addCounts(counts, cold);
      expect(batch.curve()).toEqual(one.curve());
      expect([batch.total, batch.cold, batch.maxDistance]).toEqual([one.total, one.cold, one.maxDistance]);
    },
  );

  it('counts a fractional distance d in bucket ⌈d⌉, a miss at every size below it', () => {
    const h = new StackDistanceHistogram();
    h.add(2.5, 0.5);
    h.add(1);
    expect(h.weightAt(3)).toBe(0.5);
    expect(h.weightAt(1)).toBe(1);
    expect(h.weightAt(0)).toBe(0);
    expect(h.weightAt(1e9)).toBe(0);
    expect(Array.from(h.curve([1, 2, 2.9, 3]).missRatios)).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
  });

  it('counts distances in steps of 1 / resolution pages', () => {
    const h = new StackDistanceHistogram(0.5); // steps of 2 pages
    h.add(3);
    h.add(Infinity);
    expect(h.resolution).toBe(0.5);
    expect(h.maxDistance).toBe(3);
    expect(Array.from(h.curve([5, 5.5, 6]).missRatios)).toEqual([1, 1, 0.5]);
    // The default sizes reach the largest distance, in pages.
    expect(Array.from(h.curve().sizes).at(-1)).toBe(6);
  });

  it('counts cold misses: a stream of first references misses at every size', () => {
    const h = histogramOf([Infinity, Infinity, Infinity]);
    expect(h.cold).toBe(3);
    expect(h.curve()).toEqual({ sizes: Float64Array.of(1), missRatios: Float64Array.of(1), references: 3 });
    expect(Array.from(h.curve([1, 100]).missRatios)).toEqual([1, 1]);
  });

  it('is all zeros with no references', () => {
    expect(new StackDistanceHistogram().curve([1, 2]).missRatios).toEqual(Float64Array.of(0, 0));
  });

  test.prop([
    fc.array(distance, { minLength: 1, maxLength: 100 }),
    fc.double({ min: 0.01, max: 100, noNaN: true }),
  ])('scales every weight: the curve keeps its shape, the totals follow', (distances, factor) => {
    const h = histogramOf(distances);
    const before = h.curve();
    h.scale(factor);
    expect(h.total).toBeCloseTo(distances.length * factor, 9);
    const after = h.curve(before.sizes);
    for (const [i, m] of before.missRatios.entries()) expect(after.missRatios[i]).toBeCloseTo(m, 12);
    h.add(Infinity); // weight 1 after the scaling
    expect(h.total).toBeCloseTo(distances.length * factor + 1, 9);
  });

  it('adds SHARDS-adj weight at distance 1, clamped to a valid curve', () => {
    const h = histogramOf([10, 10, Infinity, Infinity]);
    expect(Array.from(h.curve([1, 10], 4).missRatios)).toEqual([4 / 8, 2 / 8]);
    const negative = h.curve([1, 10], -3);
    validateMissRatioCurve(negative);
    expect(Array.from(negative.missRatios)).toEqual([1, 1]);
  });

  it('names the field of every bad input', () => {
    const h = new StackDistanceHistogram();
    for (const d of [0, 0.5, -1, Number.NaN, -Infinity]) expect(() => h.add(d)).toThrow(/^distance: /);
    expect(() => h.addCounts(Float64Array.of(0, 1, -2), 0)).toThrow(/^counts: /);
    expect(() => h.addCounts(Float64Array.of(0, 1), Number.NaN)).toThrow(/^counts: /);
    expect(h.total).toBe(0);
    for (const w of [-1, Infinity, Number.NaN]) expect(() => h.add(1, w)).toThrow(/^weight: /);
    for (const f of [0, -2, Infinity, Number.NaN]) expect(() => h.scale(f)).toThrow(/^factor: /);
    expect(() => h.curve([])).toThrow(/^sizes: expected at least one size/);
    expect(() => h.curve([0])).toThrow(/^sizes\[0\]: expected a finite positive size/);
    expect(() => h.curve([1, Number.NaN])).toThrow(/^sizes\[1\]: /);
    expect(() => h.curve([1, Infinity])).toThrow(/^sizes\[1\]: /);
    expect(() => h.curve([2, 2])).toThrow(/^sizes\[1\]: expected sizes in strictly increasing order/);
    for (const r of [0, 1.5, Number.NaN])
      expect(() => new StackDistanceHistogram(r)).toThrow(/^resolution: /);
  });
});
