import { InvalidInputError } from './errors';
import type { Pages } from './units';

/**
 * A miss-ratio curve: for each cache size (pages, positive and strictly increasing), the fraction of references that would
 * miss in an LRU memory of that size. Detectors publish it; the MEB balancer consumes it.
 */
export interface MissRatioCurve {
  readonly sizes: Float64Array;
  /** Non-increasing in size, each in [0, 1]. */
  readonly missRatios: Float64Array;
  /** References the curve was built from (its weight when curves are compared or merged). */
  readonly references: number;
}

/** Checks the shape of a curve; throws naming the first point at fault. */
export function validateMissRatioCurve(curve: MissRatioCurve, field = 'missRatioCurve'): MissRatioCurve {
  const { sizes, missRatios } = curve;
  if (sizes.length !== missRatios.length || sizes.length === 0) {
    throw new InvalidInputError(field, 'expected sizes and missRatios of the same, non-zero length');
  }
  // missRatioAt puts the point (0, 1) below the first size, so the first size must be above 0.
  if (!(sizes[0]! > 0)) {
    throw new InvalidInputError(`${field}.sizes[0]`, `expected a positive size, got ${sizes[0]}`);
  }
  for (let i = 0; i < sizes.length; i++) {
    const m = missRatios[i]!;
    if (!(m >= 0 && m <= 1))
      throw new InvalidInputError(`${field}.missRatios[${i}]`, `expected 0..1, got ${m}`);
    if (i > 0 && !(sizes[i]! > sizes[i - 1]!)) {
      throw new InvalidInputError(`${field}.sizes[${i}]`, 'expected sizes in strictly increasing order');
    }
    if (i > 0 && m > missRatios[i - 1]!) {
      throw new InvalidInputError(`${field}.missRatios[${i}]`, 'expected a non-increasing miss ratio');
    }
  }
  return curve;
}

/**
 * The miss ratio at any size, linear between points; below the first point the curve rises linearly to 1
 * at size 0, past the last it stays flat.
 */
export function missRatioAt(curve: MissRatioCurve, size: Pages): number {
  const { sizes, missRatios } = curve;
  const n = sizes.length;
  if (size >= sizes[n - 1]!) return missRatios[n - 1]!;
  if (size <= 0) return 1;
  let lo = 0;
  let hi = n - 1;
  if (size < sizes[0]!) return 1 + (missRatios[0]! - 1) * (size / sizes[0]!);
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (sizes[mid]! <= size) lo = mid;
    else hi = mid;
  }
  const t = (size - sizes[lo]!) / (sizes[hi]! - sizes[lo]!);
  return missRatios[lo]! + t * (missRatios[hi]! - missRatios[lo]!);
}
