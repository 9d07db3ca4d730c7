import { fc, test } from '@fast-check/vitest';
import { createRandom, InvalidInputError } from '@hvsim/spec';
import { describe, expect } from 'vitest';
import { Coin } from './coin';
import { scriptedStream } from './random-test-support';

const TOSSES = 200_000;

describe('Coin', () => {
  test.each([0.25, 0.5, 0.75, 0.3, 0.1, 1 / 3, 0.001, 0.999, 2 ** -20, 1 - 2 ** -40])(
    'comes up true with probability %d',
    (p) => {
      const coin = new Coin(createRandom(5).split('coin'), p);
      let heads = 0;
      for (let i = 0; i < TOSSES; i++) if (coin.toss()) heads++;
      // Within 5 standard deviations of the binomial mean (plus one toss for p near 0 or 1).
      expect(Math.abs(heads - p * TOSSES)).toBeLessThanOrEqual(5 * Math.sqrt(TOSSES * p * (1 - p)) + 1);
    },
  );

  test('tosses are independent: pairs fall in the four cells with the product probabilities', () => {
    const p = 0.3;
    const coin = new Coin(createRandom(6).split('coin'), p);
    const cells = [0, 0, 0, 0];
    let previous = coin.toss();
    for (let i = 0; i < TOSSES; i++) {
      const next = coin.toss();
      cells[(previous ? 2 : 0) + (next ? 1 : 0)]!++;
      previous = next;
    }
    const expected = [(1 - p) ** 2, (1 - p) * p, p * (1 - p), p * p];
    for (let c = 0; c < 4; c++) {
      const e = expected[c]! * TOSSES;
      expect(Math.abs(cells[c]! - e)).toBeLessThan(5 * Math.sqrt(e));
    }
  });

  test('p = 0 and p = 1 decide without drawing', () => {
    const stream = scriptedStream([]);
    const coin = new Coin(stream, 0);
    expect(coin.toss()).toBe(false);
    coin.setProbability(1);
    expect(coin.toss()).toBe(true);
    const out = new Uint8Array(8);
    expect(coin.tossInto(out, 0, 8)).toBe(8);
    expect([...out]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    coin.setProbability(0);
    expect(coin.tossInto(out, 2, 6)).toBe(0);
    expect([...out]).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    expect(stream.drawn).toBe(0);
  });

  test('settles 32 tosses from the digits of a few draws, bit-sliced, exactly', () => {
    // p = 0.25 = 0.01₂. Toss j reads digit i of its U from bit 31 − j of draw i: true iff U starts 00.
    const quarter = scriptedStream([0x0000ffff, 0x00ff00ff]);
    const coin = new Coin(quarter, 0.25);
    const tosses = Array.from({ length: 32 }, () => coin.toss());
    expect(tosses).toEqual(Array.from({ length: 32 }, (_, j) => j < 8));
    // U = 0.01… equals p so far, and p has no more 1 digits: not below p, so two draws settle all 32.
    expect(quarter.drawn).toBe(2);
    // p = 1/3 (as a double, 0.0101…01₂ to digit 54). Toss 0 follows p's digits up to digit 40 (a 1), where
    // its U has a 0: true, decided by the 40th draw; the other 31 differ from p at digit 1.
    const digit = (i: number) => (i % 2 === 0 && i <= 54 ? 1 : 0);
    const words = Array.from({ length: 40 }, (_, k) => {
      const i = k + 1;
      const lane0 = i < 40 ? digit(i) : 0;
      return ((lane0 << 31) | (i === 1 ? 0x7fffffff : 0)) >>> 0;
    });
    const third = scriptedStream(words);
    const exact = new Coin(third, 1 / 3);
    expect(Array.from({ length: 32 }, () => exact.toss())).toEqual(
      Array.from({ length: 32 }, (_, j) => j === 0),
    );
    expect(third.drawn).toBe(40);
    // Equal to all 54 digits: U ≥ p, false, after 54 draws.
    const equal = scriptedStream(
      Array.from({ length: 54 }, (_, k) => ((digit(k + 1) << 31) | (k === 0 ? 0x7fffffff : 0)) >>> 0),
    );
    expect(new Coin(equal, 1 / 3).toss()).toBe(false);
    expect(equal.drawn).toBe(54);
  });

  test('a new probability applies from the next toss', () => {
    const coin = new Coin(createRandom(3), 0.5);
    coin.toss();
    coin.setProbability(1);
    expect(Array.from({ length: 40 }, () => coin.toss()).every(Boolean)).toBe(true);
    coin.setProbability(0);
    expect(Array.from({ length: 40 }, () => coin.toss()).some(Boolean)).toBe(false);
  });

  test.prop([
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer(),
    fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 8 }),
  ])('tossInto gives the same tosses as toss, and lists the true ones', (p, seed, runs) => {
    const one = new Coin(createRandom(seed).split('c'), p);
    const bulk = new Coin(createRandom(seed).split('c'), p);
    const total = runs.reduce((a, b) => a + b, 0);
    const expected = Array.from({ length: total }, () => (one.toss() ? 1 : 0));
    const out = new Uint8Array(total + 2);
    const at: number[] = [];
    let start = 1;
    for (const run of runs) {
      const list = new Uint32Array(run);
      const count = bulk.tossInto(out, start, start + run, list);
      at.push(...list.subarray(0, count));
      start += run;
    }
    expect([...out.subarray(1, total + 1)]).toEqual(expected);
    expect(at).toEqual(expected.flatMap((bit, i) => (bit ? [i + 1] : [])));
  });

  test('rejects a probability outside [0, 1]', () => {
    expect(() => new Coin(createRandom(1), 1.5)).toThrow(InvalidInputError);
    expect(() => new Coin(createRandom(1), Number.NaN)).toThrow(/probability/);
  });
});
