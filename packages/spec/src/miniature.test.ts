import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fractionalRate, MAX_SCALE, scaleOf, scalePages } from './miniature';
import { resolvePages } from './option-schemas';

describe('scalePages', () => {
  it('keeps an empty region empty at any scale', () => {
    for (const scale of [1, 2, 64, MAX_SCALE]) expect(scalePages(0, scale)).toBe(0);
  });

  it('divides and rounds to the nearest page', () => {
    expect(scalePages(1000, 4)).toBe(250);
    expect(scalePages(1001, 4)).toBe(250); // 250.25
    expect(scalePages(1002, 4)).toBe(251); // 250.5 rounds up
    expect(scalePages(1003, 4)).toBe(251); // 250.75
    expect(scalePages(65_536, 16)).toBe(4096);
  });

  it('keeps a page or more at least one page', () => {
    expect(scalePages(1, 64)).toBe(1);
    expect(scalePages(31, 64)).toBe(1); // 0.48 would round to 0
    expect(scalePages(1, MAX_SCALE)).toBe(1);
  });

  it('leaves counts alone at scale 1', () => {
    expect(scalePages(12_345, 1)).toBe(12_345);
  });
});

describe('fractionalRate', () => {
  it('hands out whole units, carrying the remainder: 1.5625 a call is 100 over 64 calls', () => {
    const next = fractionalRate(100 / 64);
    const calls = Array.from({ length: 64 }, next);
    for (const n of calls) expect([1, 2]).toContain(n);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(100);
    // The first call gives the whole part, the second the carried halves' unit.
    expect(calls.slice(0, 2)).toEqual([1, 2]);
  });

  it('gives nothing until a unit is due, then one', () => {
    const next = fractionalRate(0.25);
    expect(Array.from({ length: 8 }, next)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('gives a whole rate every call', () => {
    const next = fractionalRate(200);
    expect(Array.from({ length: 5 }, next)).toEqual([200, 200, 200, 200, 200]);
  });

  test.prop([
    fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: 1, max: 2000 }),
  ])('its running total is floor(n·rate), within 1 for rounding', (rate, calls) => {
    const next = fractionalRate(rate);
    let total = 0;
    let worst = 0;
    let wholeAndNearRate = true;
    for (let n = 1; n <= calls; n++) {
      const units = next();
      wholeAndNearRate &&=
        Number.isInteger(units) && units >= Math.floor(rate) - 1 && units <= Math.ceil(rate) + 1;
      total += units;
      worst = Math.max(worst, Math.abs(total - Math.floor(n * rate)));
    }
    expect(wholeAndNearRate).toBe(true);
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('scaleOf', () => {
  it('reads the context’s scale, 1 when absent', () => {
    expect(scaleOf({})).toBe(1);
    expect(scaleOf({ scale: 16 })).toBe(16);
    expect(scaleOf({ scale: 1 })).toBe(1);
  });
});

describe('resolvePages at a scale', () => {
  it('resolves a fraction of the VM against the miniature VM’s pages, unchanged by the scale', () => {
    // A 4096-page VM at scale 16 is 256 pages: half of it is 128 pages whatever the scale.
    expect(resolvePages(0.5, 256, 16)).toBe(128);
    expect(resolvePages(0.5, 256)).toBe(128);
    expect(resolvePages(0.001, 256, 16)).toBe(1);
  });

  it('divides a size in pages by the scale, at least one page, 0 staying 0', () => {
    expect(resolvePages(2048, 256, 16)).toBe(128);
    expect(resolvePages(1000, 256, 3)).toBe(333);
    expect(resolvePages(5, 256, 64)).toBe(1);
    expect(resolvePages(0, 256, 64)).toBe(0);
    expect(resolvePages(1, 256, 1)).toBe(1);
  });

  it('leaves a size in pages whole at scale 1 (the default)', () => {
    expect(resolvePages(2048, 256, 1)).toBe(2048);
    expect(resolvePages(2048, 256)).toBe(2048);
  });
});
