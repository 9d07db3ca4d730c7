import { fc, test } from '@fast-check/vitest';
import { validateMissRatioCurve } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { ExactMrc, exactMissRatioCurve } from './exact';

/** Misses of an LRU cache of `size` pages over `ids`, simulated directly: O(n · size). */
function lruMisses(ids: readonly number[], size: number): number {
  const cache: number[] = []; // most recent last
  let misses = 0;
  for (const id of ids) {
    const at = cache.indexOf(id);
    if (at >= 0) cache.splice(at, 1);
    else {
      misses++;
      if (cache.length === size) cache.shift();
    }
    cache.push(id);
  }
  return misses;
}

const trace = fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 300 });

describe('the exact miss-ratio curve', () => {
  test.prop([trace, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 })])(
    'equals an LRU cache simulated at every size 1..distinct (Mattson inclusion), fed singly or in batches',
    (ids, initialCapacity, batch) => {
      const distinct = new Set(ids).size;
      const sizes = Array.from({ length: distinct }, (_, i) => i + 1);
      const expected = sizes.map((s) => lruMisses(ids, s) / ids.length);
      const mrc = new ExactMrc({ initialCapacity });
      const all = Float64Array.from(ids);
      for (let from = 0; from < all.length; from += batch)
        mrc.accessAll(all, from, Math.min(all.length, from + batch));
      expect(Array.from(mrc.curve(sizes).missRatios)).toEqual(expected);
      expect(Array.from(exactMissRatioCurve(ids, sizes).missRatios)).toEqual(expected);
      expect(mrc.references).toBe(ids.length);
    },
  );

  test.prop([trace])('has a valid shape at its default sizes, ending at the cold-miss ratio', (ids) => {
    const curve = validateMissRatioCurve(exactMissRatioCurve(ids));
    const distinct = new Set(ids).size;
    expect(curve.references).toBe(ids.length);
    expect(curve.missRatios[curve.missRatios.length - 1]).toBe(distinct / ids.length);
  });

  it('reads ids from an iterable or an array-like', () => {
    function* ids() {
      yield* [1, 2, 1, 3, 1];
    }
    const fromIterable = exactMissRatioCurve(ids(), [1, 2, 3]);
    const fromArrayLike = exactMissRatioCurve({ length: 5, 0: 1, 1: 2, 2: 1, 3: 3, 4: 1 }, [1, 2, 3]);
    expect(Array.from(fromIterable.missRatios)).toEqual([1, 0.6, 0.6]); // distances ∞ ∞ 2 ∞ 2
    expect(fromArrayLike).toEqual(fromIterable);
  });

  it('refuses a batch with a bad id whole, naming the field', () => {
    const mrc = new ExactMrc();
    mrc.accessAll(Float64Array.of(1, 2));
    expect(() => mrc.accessAll(Float64Array.of(3, 0.5))).toThrow(/^id: /);
    expect(() => mrc.access(-1)).toThrow(/^id: /);
    expect(mrc.references).toBe(2);
    expect(mrc.stack.distinct).toBe(2);
    expect(() => mrc.accessAll(Float64Array.of(1), 0, 2)).toThrow(/^end: /);
    expect(() => mrc.curve([2, 1])).toThrow(/^sizes\[1\]: /);
  });
});
