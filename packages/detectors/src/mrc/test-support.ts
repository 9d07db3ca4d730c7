import { createRandom, type MissRatioCurve } from '@hvsim/spec';

/**
 * A reproducible Zipf(alpha) page trace for the MRC tests and benchmark: ranks drawn by inverse CDF (a binary
 * search in the cumulative table), mapped through a random permutation so hot pages are spread over the ids.
 */
export function zipfTrace(references: number, pages: number, alpha: number, seed: number): Float64Array {
  const random = createRandom(seed).split('zipf-trace');
  const cdf = new Float64Array(pages);
  let sum = 0;
  for (let k = 0; k < pages; k++) {
    sum += (k + 1) ** -alpha;
    cdf[k] = sum;
  }
  const page = new Float64Array(pages);
  for (let k = 0; k < pages; k++) page[k] = k;
  for (let k = pages - 1; k > 0; k--) {
    const j = random.nextInt(k + 1);
    const swap = page[k]!;
    page[k] = page[j]!;
    page[j] = swap;
  }
  const trace = new Float64Array(references);
  for (let i = 0; i < references; i++) {
    const u = random.nextFloat() * sum;
    let lo = 0;
    let hi = pages - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! <= u) lo = mid + 1;
      else hi = mid;
    }
    trace[i] = page[lo]!;
  }
  return trace;
}

/** Mean absolute difference of two curves' miss ratios, taken at the same sizes. */
export function meanAbsoluteError(a: MissRatioCurve, b: MissRatioCurve): number {
  let sum = 0;
  for (let i = 0; i < a.missRatios.length; i++) sum += Math.abs(a.missRatios[i]! - b.missRatios[i]!);
  return sum / a.missRatios.length;
}

/**
 * `count` sizes evenly spaced up to `max` (rounded to whole pages, positive and increasing for count ≤ max).
 */
export function evenSizes(count: number, max: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => Math.round(((i + 1) * max) / count));
}
