import { fc, test } from '@fast-check/vitest';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect } from 'vitest';
import { Xoroshiro128Plus } from './xoroshiro128plus';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
/** Any state but the all-zero one, which xoroshiro never leaves. */
const state = fc.tuple(int32, int32, int32, int32).filter((s) => s.some((word) => word !== 0));

const take = (next: () => number, count: number) => Array.from({ length: count }, next);

describe('Xoroshiro128Plus', () => {
  test.prop([state])('draws what pure-rand’s xoroshiro128plus draws from the same state', (s) => {
    const ours = new Xoroshiro128Plus(s);
    const theirs = xoroshiro128plusFromState(s);
    expect(take(() => ours.next(), 300)).toEqual(take(() => theirs.next(), 300));
    expect(ours.getState()).toEqual(theirs.getState());
  });

  test.prop([state])('jumps where pure-rand jumps', (s) => {
    const ours = new Xoroshiro128Plus(s);
    const theirs = xoroshiro128plusFromState(s);
    ours.jump();
    theirs.jump();
    expect(ours.getState()).toEqual(theirs.getState());
    expect(take(() => ours.next(), 20)).toEqual(take(() => theirs.next(), 20));
  });

  test.prop([state])('a clone is independent of its original', (s) => {
    const original = new Xoroshiro128Plus(s);
    original.next();
    const clone = original.clone();
    const fromClone = take(() => clone.next(), 10);
    expect(take(() => original.next(), 10)).toEqual(fromClone);
  });
});
