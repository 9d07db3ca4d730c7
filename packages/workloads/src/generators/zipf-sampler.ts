import { InvalidInputError, type RandomStream } from '@hvsim/spec';

/** log1p(x)/x, continued to x = 0 by its Taylor series. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x)/x, continued to x = 0 by its Taylor series. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/**
 * Zipf ranks by rejection-inversion (Hörmann & Derflinger, "Rejection-inversion to generate variates from
 * monotone discrete distributions", TOMACS 1996), in the form Apache Commons RNG uses: the hat integral
 * H(x) = (x^(1−s) − 1)/(1 − s) has a limit at s = 1, so every exponent s ≥ 0 works. Each draw costs O(1)
 * (a few logs and exps, and fewer than 1.1 tries on average), with no table of n entries and no allocation.
 */
export class ZipfSampler {
  readonly n: number;
  readonly exponent: number;
  readonly #random: RandomStream;
  readonly #hIntegralX1: number;
  readonly #hIntegralN: number;
  readonly #s: number;

  constructor(n: number, exponent: number, random: RandomStream) {
    if (!(Number.isInteger(n) && n >= 1))
      throw new InvalidInputError('n', `expected a whole number ≥ 1, got ${n}`);
    if (!(exponent >= 0 && Number.isFinite(exponent))) {
      throw new InvalidInputError('exponent', `expected a finite number ≥ 0, got ${exponent}`);
    }
    this.n = n;
    this.exponent = exponent;
    this.#random = random;
    this.#hIntegralX1 = this.#hIntegral(1.5) - 1;
    this.#hIntegralN = this.#hIntegral(n + 0.5);
    this.#s = 2 - this.#hIntegralInverse(this.#hIntegral(2.5) - this.#h(2));
  }

  /** A rank in [0, n): rank 0 is drawn with probability ∝ 1, rank k with probability ∝ 1/(k+1)^s. */
  next(): number {
    const n = this.n;
    for (;;) {
      const u = this.#hIntegralN + this.#random.nextFloat() * (this.#hIntegralX1 - this.#hIntegralN);
      const x = this.#hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      // Accept at once inside the squeeze, else when u falls under the true mass of k.
      if (k - x <= this.#s || u >= this.#hIntegral(k + 0.5) - this.#h(k)) return k - 1;
    }
  }

  /** H(x) = (x^(1−s) − 1)/(1 − s), the integral of the hat h from 1 to x. */
  #hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  #h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  #hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // rounding can push t just below −1, where log1p is undefined
    return Math.exp(helper1(t) * x);
  }
}

/** The exact Zipf probabilities of ranks 0..n−1 (for tests and analysis; O(n)). */
export function zipfPmf(n: number, exponent: number): Float64Array {
  const pmf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    pmf[k] = (k + 1) ** -exponent;
    total += pmf[k]!;
  }
  for (let k = 0; k < n; k++) pmf[k]! /= total;
  return pmf;
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates), so popular ranks land on scattered pages. */
export function randomPermutation(n: number, random: RandomStream): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}
