import { fc, test } from '@fast-check/vitest';
import { InvalidInputError, type MissRatioCurve, missRatioAt, validateMissRatioCurve } from '@hvsim/spec';
import { missRatioCurve } from '@hvsim/spec/testing';
import { describe, expect } from 'vitest';

const curve = (sizes: number[], missRatios: number[], references = 1000): MissRatioCurve => ({
  sizes: Float64Array.from(sizes),
  missRatios: Float64Array.from(missRatios),
  references,
});

/** Copies a curve so a test can break one point of it. */
const copy = (c: MissRatioCurve): { sizes: Float64Array; missRatios: Float64Array; references: number } => ({
  sizes: Float64Array.from(c.sizes),
  missRatios: Float64Array.from(c.missRatios),
  references: c.references,
});

/** Validates and returns the field of the InvalidInputError it must throw. */
function rejectedField(c: MissRatioCurve, field?: string): string | undefined {
  try {
    if (field === undefined) validateMissRatioCurve(c);
    else validateMissRatioCurve(c, field);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('invalid-input');
    return (error as InvalidInputError).field;
  }
  throw new Error('expected the curve to be rejected');
}

describe('validateMissRatioCurve', () => {
  test.prop([missRatioCurve()])('accepts generated curves and returns them', (c) => {
    expect(validateMissRatioCurve(c)).toBe(c);
  });

  test.each([
    ['one point', curve([100], [0.5])],
    ['flat', curve([1, 2, 3], [0.5, 0.5, 0.5])],
    ['all hits', curve([10, 20], [0, 0])],
    ['all misses', curve([10, 20], [1, 1])],
    ['from 1 to 0', curve([1, 1000, 1e6], [1, 0.25, 0])],
    ['fractional sizes', curve([0.5, 1.5], [0.9, 0.1])],
  ])('accepts %s', (_label, c) => {
    expect(validateMissRatioCurve(c)).toBe(c);
  });

  test.each([
    ['mismatched lengths', 'missRatioCurve', curve([1, 2], [0.5])],
    ['more ratios than sizes', 'missRatioCurve', curve([1], [0.5, 0.4])],
    ['empty', 'missRatioCurve', curve([], [])],
    ['unsorted sizes', 'missRatioCurve.sizes[2]', curve([1, 3, 2], [0.5, 0.4, 0.3])],
    ['repeated size', 'missRatioCurve.sizes[2]', curve([1, 2, 2], [0.5, 0.4, 0.3])],
    ['decreasing at the start', 'missRatioCurve.sizes[1]', curve([5, 4], [0.5, 0.4])],
    ['NaN size', 'missRatioCurve.sizes[1]', curve([1, Number.NaN], [0.5, 0.4])],
    ['increasing ratio', 'missRatioCurve.missRatios[2]', curve([1, 2, 3], [0.5, 0.4, 0.6])],
    ['increasing ratio at 1', 'missRatioCurve.missRatios[1]', curve([1, 2], [0.1, 0.2])],
    ['ratio above 1', 'missRatioCurve.missRatios[2]', curve([1, 2, 3], [1, 1, 1.5])],
    ['first ratio above 1', 'missRatioCurve.missRatios[0]', curve([1, 2], [1.01, 0.5])],
    ['negative ratio', 'missRatioCurve.missRatios[1]', curve([1, 2], [0.5, -0.1])],
    ['NaN ratio', 'missRatioCurve.missRatios[2]', curve([1, 2, 3, 4], [0.5, 0.4, Number.NaN, 0.1])],
    ['size 0', 'missRatioCurve.sizes[0]', curve([0, 10], [0.5, 0.2])],
    ['negative size', 'missRatioCurve.sizes[0]', curve([-10, 10], [0.5, 0.2])],
    ['NaN single size', 'missRatioCurve.sizes[0]', curve([Number.NaN], [0.5])],
  ])('rejects %s, naming %s', (_label, field, c) => {
    expect(rejectedField(c)).toBe(field);
  });

  test('uses the given field', () => {
    expect(rejectedField(curve([1, 2], [0.2, 0.3]), 'vm.mrc')).toBe('vm.mrc.missRatios[1]');
    expect(rejectedField(curve([], []), 'vm.mrc')).toBe('vm.mrc');
  });

  test('the message says what was expected', () => {
    expect(() => validateMissRatioCurve(curve([1, 2], [0.5, 2]))).toThrow(
      /^missRatioCurve\.missRatios\[1\]: expected 0\.\.1, got 2$/,
    );
    expect(() => validateMissRatioCurve(curve([2, 1], [0.5, 0.4]))).toThrow(/strictly increasing/);
    expect(() => validateMissRatioCurve(curve([1, 2], [0.4, 0.5]))).toThrow(/non-increasing/);
  });

  const broken = fc
    .tuple(missRatioCurve(), fc.nat())
    .filter(([c]) => c.sizes.length >= 2)
    .map(([c, i]) => ({ c, i: 1 + (i % (c.sizes.length - 1)) }));

  test.prop([broken])('names the index of a repeated size', ({ c, i }) => {
    const bad = copy(c);
    bad.sizes[i] = bad.sizes[i - 1]!;
    expect(rejectedField(bad)).toBe(`missRatioCurve.sizes[${i}]`);
  });

  test.prop([broken, fc.double({ min: 1, max: 1e6, noNaN: true, minExcluded: true })])(
    'names the index of a ratio out of range',
    ({ c, i }, ratio) => {
      const bad = copy(c);
      bad.missRatios[i] = ratio;
      expect(rejectedField(bad)).toBe(`missRatioCurve.missRatios[${i}]`);
    },
  );

  test.prop([broken, fc.double({ min: 0, max: 1, noNaN: true, minExcluded: true })])(
    'names the index of a rising ratio',
    ({ c, i }, rise) => {
      fc.pre(c.missRatios[i - 1]! < 1);
      const bad = copy(c);
      bad.missRatios[i] = Math.min(1, bad.missRatios[i - 1]! + rise);
      fc.pre(bad.missRatios[i]! > bad.missRatios[i - 1]!);
      expect(rejectedField(bad)).toBe(`missRatioCurve.missRatios[${i}]`);
    },
  );
});

describe('missRatioAt', () => {
  const example = curve([100, 200, 400], [0.8, 0.4, 0.1]);

  test('is exact at the points', () => {
    expect(missRatioAt(example, 100)).toBe(0.8);
    expect(missRatioAt(example, 200)).toBe(0.4);
    expect(missRatioAt(example, 400)).toBe(0.1);
  });

  test('is linear between points', () => {
    expect(missRatioAt(example, 150)).toBeCloseTo(0.6, 12);
    expect(missRatioAt(example, 125)).toBeCloseTo(0.7, 12);
    expect(missRatioAt(example, 300)).toBeCloseTo(0.25, 12);
    expect(missRatioAt(example, 350)).toBeCloseTo(0.175, 12);
  });

  test('rises linearly to 1 at size 0 below the first point', () => {
    expect(missRatioAt(example, 0)).toBe(1);
    expect(missRatioAt(example, 50)).toBeCloseTo(0.9, 12);
    expect(missRatioAt(example, 25)).toBeCloseTo(0.95, 12);
    expect(missRatioAt(curve([10], [0]), 5)).toBeCloseTo(0.5, 12);
  });

  test('is 1 at and below size 0', () => {
    expect(missRatioAt(example, -5)).toBe(1);
    expect(missRatioAt(curve([10], [0.3]), 0)).toBe(1);
    expect(missRatioAt(curve([10], [0.3]), -1)).toBe(1);
  });

  test('is flat past the last point', () => {
    expect(missRatioAt(example, 401)).toBe(0.1);
    expect(missRatioAt(example, 1e12)).toBe(0.1);
    expect(missRatioAt(example, Number.POSITIVE_INFINITY)).toBe(0.1);
    expect(missRatioAt(curve([10], [0.3]), 20)).toBe(0.3);
  });

  test.prop([missRatioCurve()])('is exact at every point of a valid curve', (c) => {
    c.sizes.forEach((size, i) => {
      expect(missRatioAt(c, size)).toBe(c.missRatios[i]);
    });
  });

  test.prop([
    missRatioCurve().filter((c) => c.sizes.length >= 2),
    fc.nat(),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ])('interpolates linearly inside each segment', (c, k, t) => {
    const i = k % (c.sizes.length - 1);
    const [s0, s1] = [c.sizes[i]!, c.sizes[i + 1]!];
    const [m0, m1] = [c.missRatios[i]!, c.missRatios[i + 1]!];
    const size = s0 + t * (s1 - s0);
    const expected = m0 + ((size - s0) / (s1 - s0)) * (m1 - m0);
    expect(missRatioAt(c, size)).toBeCloseTo(expected, 12);
    expect(missRatioAt(c, size)).toBeGreaterThanOrEqual(Math.min(m0, m1));
    expect(missRatioAt(c, size)).toBeLessThanOrEqual(Math.max(m0, m1));
  });

  const probe = fc.oneof(
    fc.double({ min: -10, max: 2 ** 21, noNaN: true }),
    fc.integer({ min: -10, max: 2 ** 21 }),
  );

  test.prop([missRatioCurve(), probe, probe])('is non-increasing in size and within [0, 1]', (c, x, y) => {
    const [small, large] = x <= y ? [x, y] : [y, x];
    const a = missRatioAt(c, small);
    const b = missRatioAt(c, large);
    for (const m of [a, b]) {
      expect(m).toBeGreaterThanOrEqual(0);
      expect(m).toBeLessThanOrEqual(1);
    }
    // Interpolation rounds, so allow for the last bit where segments meet.
    expect(a).toBeGreaterThanOrEqual(b - 1e-12);
  });

  test.prop([missRatioCurve()])('is non-increasing over a fine sweep', (c) => {
    const last = c.sizes[c.sizes.length - 1]!;
    let previous = missRatioAt(c, 0);
    expect(previous).toBe(1);
    for (let step = 1; step <= 256; step++) {
      const m = missRatioAt(c, (last * 1.1 * step) / 256);
      expect(m).toBeLessThanOrEqual(previous + 1e-12);
      previous = m;
    }
  });

  // Any curve the validator lets through must read back its own points and be non-increasing; before the
  // validator required a positive first size, a curve starting at 0 or below read 1 at its own first point.
  const looseCurve = fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
    )
    .map(([sizes, ratios]) =>
      curve(
        [...sizes].sort((a, b) => a - b),
        ratios.slice(0, sizes.length).sort((a, b) => b - a),
      ),
    );

  test.prop([looseCurve])('agrees with the validator on every curve it accepts', (c) => {
    let valid = true;
    try {
      validateMissRatioCurve(c);
    } catch {
      valid = false;
    }
    expect(valid).toBe(c.sizes[0]! > 0);
    if (!valid) return;
    c.sizes.forEach((size, i) => {
      expect(missRatioAt(c, size)).toBe(c.missRatios[i]);
    });
    let previous = 1;
    for (let size = -2; size <= 22; size += 0.25) {
      const m = missRatioAt(c, size);
      expect(m).toBeLessThanOrEqual(previous + 1e-12);
      previous = m;
    }
  });
});
