import { fc, test } from '@fast-check/vitest';
import { createRandom, InvalidInputError } from '@hvsim/spec';
import { describe, expect } from 'vitest';
import { chiSquare, chiSquareBound, scriptedStream } from './random-test-support';
import { UniformIndex } from './uniform-index';

const DRAWS = 100_000;

describe('UniformIndex', () => {
  test.each([1, 2, 3, 7, 10, 100, 1000, 32768, 50_000])('draws every index of [0, %d) equally often', (n) => {
    const index = new UniformIndex(n, createRandom(n).split('index'));
    const bins = Math.min(n, 1000);
    const counts = new Float64Array(bins);
    let outside = 0;
    for (let i = 0; i < DRAWS; i++) {
      const k = index.next();
      if (!(k >= 0 && k < n && Number.isInteger(k))) outside++;
      counts[Math.floor((k * bins) / n)]!++;
    }
    expect(outside).toBe(0);
    // Bins of whole indices, so each bin's probability is its share of them.
    const pmf = new Float64Array(bins);
    for (let b = 0; b < bins; b++) pmf[b] = (Math.ceil(((b + 1) * n) / bins) - Math.ceil((b * n) / bins)) / n;
    const { chi2, df } = chiSquare(counts, pmf);
    expect(chi2).toBeLessThan(chiSquareBound(df));
  });

  test('takes as few bits as the bound needs, and rejects the values that would favour some indices', () => {
    // n = 16: 4 bits an index, 8 indices from one draw.
    const hex = scriptedStream([0x12345678]);
    const sixteen = new UniformIndex(16, hex);
    expect(Array.from({ length: 8 }, () => sixteen.next())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(hex.drawn).toBe(1);
    // n = 3: 2 + 6 = 8 bits v an index, ⌊3v/256⌋; 256 mod 3 = 1, so v = 0 (3v mod 256 = 0 < 1) is rejected.
    const three = scriptedStream([0x00ffffff]);
    expect(new UniformIndex(3, three).next()).toBe(2); // v = 0x00, rejected, then v = 0xff: ⌊765/256⌋
    expect(three.drawn).toBe(1);
    // n = 10: 4 + 6 = 10 bits; the top of the range maps to n − 1, the bottom to 0.
    expect(new UniformIndex(10, scriptedStream([0xffffffff])).next()).toBe(9);
    expect(new UniformIndex(10, scriptedStream([1 << 22])).next()).toBe(0);
  });

  test('above 2^21 it draws through nextInt', () => {
    const n = 2 ** 21 + 1;
    const index = new UniformIndex(n, createRandom(1));
    const random = createRandom(1);
    for (let i = 0; i < 100; i++) expect(index.next()).toBe(random.nextInt(n));
  });

  test.prop([fc.integer({ min: 1, max: 2 ** 22 }), fc.integer(), fc.integer({ min: 0, max: 500 })])(
    'fill writes offset + the draws of next',
    (n, seed, count) => {
      const one = new UniformIndex(n, createRandom(seed));
      const bulk = new UniformIndex(n, createRandom(seed));
      const out = new Float64Array(count + 1);
      bulk.fill(out, 1, count + 1, 1000);
      for (let i = 0; i < count; i++) expect(out[i + 1]).toBe(1000 + one.next());
    },
  );

  test('rejects a bound outside [1, 2^32]', () => {
    expect(() => new UniformIndex(0, createRandom(1))).toThrow(InvalidInputError);
    expect(() => new UniformIndex(1.5, createRandom(1))).toThrow(/whole number/);
  });
});
