import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ESX_THRESHOLDS, FREE_MEMORY_STATES, type FreeMemoryState, nextState } from './free-memory-states';

const state = fc.constantFrom(...FREE_MEMORY_STATES);
const free = fc.double({ min: 0, max: 1, noNaN: true });
const rank = (s: FreeMemoryState) => FREE_MEMORY_STATES.indexOf(s);
const threshold = [ESX_THRESHOLDS.high, ESX_THRESHOLDS.soft, ESX_THRESHOLDS.hard, ESX_THRESHOLDS.low];

describe('the ESX free-memory states', () => {
  it('go down at 4, 2 and 1% free, and back up only past 6, 4 and 2% by the margin', () => {
    expect(nextState('high', 0.05)).toBe('high'); // between 4 and 6%: nothing happens
    expect(nextState('high', 0.039)).toBe('soft');
    expect(nextState('high', 0.005)).toBe('low'); // straight down
    expect(nextState('soft', 0.065)).toBe('soft'); // above 6%, not by the margin
    expect(nextState('soft', 0.071)).toBe('high');
    expect(nextState('low', 0.025)).toBe('low');
    expect(nextState('low', 0.031)).toBe('hard');
    expect(nextState('low', 0.5)).toBe('high'); // every step up at once
    expect(() => nextState('high', 1.5)).toThrow(/^free: /);
  });

  test.prop([state, free])(
    'at constant free memory the state settles at once and never oscillates',
    (s, f) => {
      const settled = nextState(s, f);
      expect(nextState(settled, f)).toBe(settled);
    },
  );

  test.prop([state, free])('a state respects its thresholds', (s, f) => {
    const next = nextState(s, f);
    const r = rank(next);
    // Never in a state whose threshold free memory is above, nor above one it is below.
    if (r < FREE_MEMORY_STATES.length - 1) expect(f).toBeGreaterThanOrEqual(threshold[r + 1]!);
    if (r > 0) expect(f).toBeLessThanOrEqual(threshold[r - 1]! + ESX_THRESHOLDS.margin);
    // It moves down only for lack of memory and up only for plenty.
    if (r > rank(s)) expect(f).toBeLessThan(threshold[r]!);
    if (r < rank(s)) expect(f).toBeGreaterThan(threshold[r]! + ESX_THRESHOLDS.margin);
  });

  test.prop([state, free, free])('more free memory never gives a lower state', (s, a, b) => {
    const [less, more] = a < b ? [a, b] : [b, a];
    expect(rank(nextState(s, more))).toBeLessThanOrEqual(rank(nextState(s, less)));
  });
});
