import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberMap } from './number-map';

describe('NumberMap', () => {
  it('holds any number under a 64-bit key, and nothing under its halves swapped', () => {
    const map = new NumberMap();
    map.set(1, 2, -(2 ** 52) - 7);
    map.set(2, 1, 0.5);
    expect([map.get(1, 2), map.get(2, 1), map.get(1, 1)]).toEqual([-(2 ** 52) - 7, 0.5, undefined]);
    expect(map.size).toBe(2);
  });

  it('keeps every value through growth', () => {
    const map = new NumberMap();
    for (let i = 0; i < 5000; i++) map.set(i >>> 2, i, i / 4);
    expect(map.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(map.get(i >>> 2, i)).toBe(i / 4);
  });

  it('agrees with a Map through any sets, gets and clears, past its first capacity', () => {
    const word = fc.oneof(fc.nat(40), fc.constant(2 ** 32 - 1));
    const op = fc.oneof(
      fc.record({ set: fc.constant(true as const), hi: word, lo: word, value: fc.double({ noNaN: true }) }),
      fc.record({ get: fc.constant(true as const), hi: word, lo: word }),
      fc.constant('clear' as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const map = new NumberMap();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o === 'clear') {
            map.clear();
            model.clear();
          } else if ('set' in o) {
            map.set(o.hi, o.lo, o.value);
            model.set(`${o.hi}:${o.lo}`, o.value);
          } else expect(map.get(o.hi, o.lo)).toBe(model.get(`${o.hi}:${o.lo}`));
          expect(map.size).toBe(model.size);
        }
      }),
      { numRuns: 50 },
    );
  });
});
