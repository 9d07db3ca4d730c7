import type { RandomStream } from '@hvsim/spec';

/** Helpers for this package's tests of samplers (not exported from the package). */

/**
 * A stream whose nextU32 returns `words` in order, then throws: for driving a sampler down a given path.
 * Every other method throws, so a test notices a sampler drawing otherwise.
 */
export function scriptedStream(words: readonly number[]): RandomStream & { readonly drawn: number } {
  let at = 0;
  const fail = (): never => {
    throw new Error('scriptedStream: only nextU32 is scripted');
  };
  return {
    id: 'scripted',
    get drawn() {
      return at;
    },
    nextU32() {
      if (at >= words.length) throw new Error(`scriptedStream: drew more than the ${words.length} words`);
      return words[at++]! >>> 0;
    },
    nextInt: fail,
    intBetween: fail,
    nextFloat: fail,
    split: fail,
  };
}

/**
 * Pearson's χ² of observed counts against probabilities (summing to 1), with the bins whose expected count
 * is under 5 pooled into one, so a rare bin hit once cannot dominate. Returns the statistic and its degrees
 * of freedom.
 */
export function chiSquare(counts: ArrayLike<number>, pmf: ArrayLike<number>): { chi2: number; df: number } {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k]!;
  let chi2 = 0;
  let bins = 0;
  let pooledObserved = 0;
  let pooledExpected = 0;
  for (let k = 0; k < pmf.length; k++) {
    const expected = pmf[k]! * total;
    if (expected < 5) {
      pooledObserved += counts[k]!;
      pooledExpected += expected;
      continue;
    }
    chi2 += (counts[k]! - expected) ** 2 / expected;
    bins++;
  }
  if (pooledExpected > 0) {
    chi2 += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
    bins++;
  } else if (pooledObserved > 0) {
    chi2 = Number.POSITIVE_INFINITY; // draws where none can fall
  }
  return { chi2, df: Math.max(1, bins - 1) };
}

/** A bound χ² with `df` degrees of freedom stays under except by a chance far below 10^−6. */
export const chiSquareBound = (df: number): number => df + 6 * Math.sqrt(2 * df) + 5;
