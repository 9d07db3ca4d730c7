import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DenseIdMap } from './id-map';
import { denseReference } from './test-support';

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const halves = (id: bigint) => [Number(id & 0xffffffffn), Number(id >> 32n)] as const;

/** Ids with many repeats: drawn from a small pool of arbitrary 64-bit values. */
const idSequence = fc
  .uniqueArray(u64, { minLength: 1, maxLength: 300 })
  .chain((pool) => fc.array(fc.constantFrom(...pool), { maxLength: 2000 }));

describe('DenseIdMap', () => {
  test.prop([idSequence])('hands out pages in first-seen order, the same page for the same id', (ids) => {
    const map = new DenseIdMap();
    const pages = ids.map((id) => map.page(...halves(id)));
    expect(pages).toEqual(denseReference(ids));
    expect(map.size).toBe(new Set(ids).size);
    for (const id of ids) expect(map.find(...halves(id))).toBe(pages[ids.indexOf(id)]);
  });

  test.prop([idSequence])('gives each page its raw id back', (ids) => {
    const map = new DenseIdMap();
    for (const id of ids) map.page(...halves(id));
    const distinct = [...new Set(ids)];
    distinct.forEach((id, page) => {
      expect(map.id(page)).toBe(id);
      if (id < 2n ** 53n) expect(map.idNumber(page)).toBe(Number(id));
    });
  });

  it('keeps every id through many doublings', () => {
    const map = new DenseIdMap();
    const n = 200_000;
    // Ids that differ only in the high half, or only in the low half, must not collide.
    const id = (i: number) => (i % 2 === 0 ? ([i, 0] as const) : ([7, i] as const));
    let wrong = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < n; i++) {
        const [lo, hi] = id(i);
        if (map.page(lo, hi) !== i) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(map.size).toBe(n);
    expect(map.find(1, 0)).toBe(-1);
    expect(map.bytes).toBeGreaterThan(n * 16);
  });

  it('treats the halves as unsigned 32-bit values', () => {
    const map = new DenseIdMap();
    expect(map.page(0xffffffff, 0xffffffff)).toBe(0);
    expect(map.page(-1, -1)).toBe(0);
    expect(map.id(0)).toBe(2n ** 64n - 1n);
  });

  it('refuses pages it did not hand out', () => {
    const map = new DenseIdMap();
    map.page(5, 0);
    expect(() => map.id(1)).toThrow(RangeError);
    expect(() => map.id(-1)).toThrow(RangeError);
  });
});
