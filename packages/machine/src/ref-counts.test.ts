import { RefCounts } from '@hvsim/machine';
import { describe, expect, it } from 'vitest';

describe('RefCounts', () => {
  it('counts in the frame below the limit and in the overflow table from it on', () => {
    const refs = new RefCounts(4, 3);
    expect(refs.limit).toBe(3);
    expect(refs.get(1)).toBe(0);
    expect(refs.increment(1)).toBe(1);
    expect(refs.increment(1)).toBe(2);
    expect(refs.small[1]).toBe(2);
    expect(refs.overflow.size).toBe(0);

    expect(refs.increment(1)).toBe(3);
    expect(refs.small[1]).toBe(3);
    expect(refs.overflow.get(1)).toBe(3);
    expect(refs.increment(1)).toBe(4);
    expect(refs.increment(1)).toBe(5);
    expect(refs.get(1)).toBe(5);
    expect(refs.small[1]).toBe(3);
    expect(refs.overflow.get(1)).toBe(5);

    expect(refs.decrement(1)).toBe(4);
    expect(refs.decrement(1)).toBe(3);
    expect(refs.overflow.get(1)).toBe(3);
    expect(refs.decrement(1)).toBe(2);
    expect(refs.overflow.has(1)).toBe(false);
    expect(refs.small[1]).toBe(2);
    expect(refs.get(1)).toBe(2);
    expect(refs.decrement(1)).toBe(1);
    expect(refs.decrement(1)).toBe(0);
    expect(refs.get(1)).toBe(0);
  });

  it('keeps frames apart', () => {
    const refs = new RefCounts(4, 2);
    refs.set(0, 10);
    refs.set(2, 1);
    refs.increment(3);
    refs.increment(3);
    expect([0, 1, 2, 3].map((mpn) => refs.get(mpn))).toEqual([10, 0, 1, 2]);
    expect([...refs.overflow.keys()].sort()).toEqual([0, 3]);
    refs.set(0, 0);
    expect(refs.overflow.has(0)).toBe(false);
    expect(refs.get(0)).toBe(0);
    expect(refs.get(3)).toBe(2);
  });

  it('overflows the 16-bit field by default', () => {
    const refs = new RefCounts(2);
    expect(refs.limit).toBe(0xffff);
    refs.set(1, 0xfffe);
    expect(refs.overflow.size).toBe(0);
    expect(refs.increment(1)).toBe(0xffff);
    expect(refs.increment(1)).toBe(0x10000);
    expect(refs.small[1]).toBe(0xffff);
    expect(refs.get(1)).toBe(0x10000);
    expect(refs.decrement(1)).toBe(0xffff);
    expect(refs.decrement(1)).toBe(0xfffe);
    expect(refs.overflow.size).toBe(0);
    expect(refs.small[1]).toBe(0xfffe);
  });
});
