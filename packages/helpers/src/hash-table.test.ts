import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashTable } from './hash-table';

describe('HashTable', () => {
  it('holds any number under a 64-bit hash, and nothing under its words swapped', () => {
    const table = new HashTable();
    table.set(1, 2, -(2 ** 52) - 7);
    table.set(2, 1, 0.5);
    expect([table.get(1, 2), table.get(2, 1), table.get(1, 1)]).toEqual([-(2 ** 52) - 7, 0.5, undefined]);
    expect(table.size).toBe(2);
  });

  it('keeps every value through growth, and forgets them all when cleared', () => {
    const table = new HashTable();
    for (let i = 0; i < 5000; i++) table.set(i >>> 2, Math.imul(i, 0x9e3779b1) >>> 0, i / 4);
    expect(table.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(table.get(i >>> 2, Math.imul(i, 0x9e3779b1) >>> 0)).toBe(i / 4);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(0, 0)).toBeUndefined();
  });

  // Low words of a few values only: the long probe runs of hashes truncated on purpose, and growth.
  it('agrees with a Map through any sets, gets and clears', () => {
    const word = fc.oneof(fc.nat(40), fc.constant(2 ** 32 - 1));
    const op = fc.oneof(
      fc.record({ set: fc.constant(true as const), hi: word, lo: word, value: fc.double({ noNaN: true }) }),
      fc.record({ get: fc.constant(true as const), hi: word, lo: word }),
      fc.constant('clear' as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000, size: 'max' }), (ops) => {
        const table = new HashTable();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o === 'clear') {
            table.clear();
            model.clear();
          } else if ('set' in o) {
            table.set(o.hi, o.lo, o.value);
            model.set(`${o.hi}:${o.lo}`, o.value);
          } else expect(table.get(o.hi, o.lo)).toBe(model.get(`${o.hi}:${o.lo}`));
          expect(table.size).toBe(model.size);
        }
      }),
      { numRuns: 50 },
    );
  });
});
