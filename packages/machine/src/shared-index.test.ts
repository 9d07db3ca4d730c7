import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedIndex } from './shared-index';

describe('SharedIndex', () => {
  it('finds a frame by domain and contents, and nothing for either alone', () => {
    const index = new SharedIndex();
    index.set(0, 7, 100);
    index.set(1, 7, 101);
    expect(index.get(0, 7)).toBe(100);
    expect(index.get(1, 7)).toBe(101);
    expect(index.get(2, 7)).toBe(-1);
    expect(index.get(0, 8)).toBe(-1);
    expect(index.size).toBe(2);
  });

  it('keys content ids beyond 32 bits exactly', () => {
    const index = new SharedIndex();
    const big = 2 ** 52 + 3;
    index.set(0, big, 1);
    index.set(0, big + 2 ** 32, 2);
    index.set(0, 3, 3);
    expect([index.get(0, big), index.get(0, big + 2 ** 32), index.get(0, 3)]).toEqual([1, 2, 3]);
  });

  it('replaces a frame set again, and forgets a deleted one', () => {
    const index = new SharedIndex();
    index.set(0, 5, 10);
    index.set(0, 5, 11);
    expect(index.get(0, 5)).toBe(11);
    expect(index.size).toBe(1);
    index.delete(0, 5);
    index.delete(0, 5); // again: nothing to drop
    expect(index.get(0, 5)).toBe(-1);
    expect(index.size).toBe(0);
  });

  it('keeps every entry through growth', () => {
    const index = new SharedIndex();
    for (let i = 0; i < 5000; i++) index.set(i % 3, i * 4099, i);
    expect(index.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(index.get(i % 3, i * 4099)).toBe(i);
  });

  // A table of four slots to start: long probe runs that wrap, removals that shift entries back across the
  // wrap, and growth.
  it('agrees with a Map through any sets and deletes', () => {
    const op = fc.record({
      del: fc.boolean(),
      domain: fc.nat(2),
      content: fc.nat(40),
      mpn: fc.nat(1000),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
        const index = new SharedIndex(4);
        const model = new Map<string, number>();
        for (const { del, domain, content, mpn } of ops) {
          if (del) {
            index.delete(domain, content);
            model.delete(`${domain}:${content}`);
          } else {
            index.set(domain, content, mpn);
            model.set(`${domain}:${content}`, mpn);
          }
          expect(index.size).toBe(model.size);
          expect(index.get(domain, content)).toBe(model.get(`${domain}:${content}`) ?? -1);
        }
        for (let d = 0; d <= 2; d++)
          for (let c = 0; c <= 40; c++) expect(index.get(d, c)).toBe(model.get(`${d}:${c}`) ?? -1);
      }),
    );
  });
});
