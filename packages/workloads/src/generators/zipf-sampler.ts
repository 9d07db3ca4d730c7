import { InvalidInputError, type RandomStream } from '@hvsim/spec';
import { type ZipfAliasShape, zipfAliasShape } from './zipf-alias-shape';

/**
 * Largest n for which ZipfSampler builds an alias table: 2^20 ranks (a 4 GiB working set of 4 KiB pages).
 * The table has 2^⌈log2 n⌉ columns (n rounded up to a power of two, see ZipfAliasTable) of 16 bytes, so
 * at most 16 MiB, built in about 0.1 s. A larger n falls back to rejection-inversion, which needs no table
 * but costs a few logs and exps per draw: beyond 2^20 columns the table outgrows the caches and the TLB's
 * reach, and measured no faster than the fallback (about 10–17 M draws/s against 9–13 M at 2^21–2^22
 * columns, for 32–64 MiB), where at 2^15 columns it draws 55–90 M/s and at 2^20 about 33 M/s (one thread).
 */
export const ZIPF_TABLE_MAX_RANKS = 2 ** 20;

/** How a ZipfSampler draws: from an alias table, or by rejection-inversion. */
export type ZipfMethod = 'alias' | 'rejection-inversion';

export interface ZipfSamplerOptions {
  /** Largest n for which to build a table; above it, rejection-inversion. Default ZIPF_TABLE_MAX_RANKS. */
  readonly maxTableRanks?: number;
  /**
   * What to return for each rank (length n): draws give `labels[rank]` instead of the rank, e.g. the page of
   * each rank. The alias table folds them into its columns when they are all below its number of columns (a
   * permutation of the ranks is), which saves a lookup per draw.
   */
  readonly labels?: Uint32Array;
}

function checkZipf(n: number, exponent: number, labels: Uint32Array | undefined): void {
  if (!(Number.isInteger(n) && n >= 1))
    throw new InvalidInputError('n', `expected a whole number ≥ 1, got ${n}`);
  if (!(exponent >= 0 && Number.isFinite(exponent))) {
    throw new InvalidInputError('exponent', `expected a finite number ≥ 0, got ${exponent}`);
  }
  if (labels !== undefined && labels.length !== n) {
    throw new InvalidInputError('labels', `expected one label per rank (${n}), got ${labels.length}`);
  }
}

/**
 * Zipf ranks: rank 0 is drawn with probability ∝ 1, rank k with probability ∝ 1/(k+1)^exponent, for ranks in
 * [0, n). Draws come from an alias table (ZipfAliasTable: O(1) per draw, no logs or powers, one 32-bit random
 * number almost always) when n ≤ `maxTableRanks` (default ZIPF_TABLE_MAX_RANKS), else by rejection-inversion
 * (ZipfRejectionInversion: no table, a few logs and exps per draw). Both give the exact distribution, but
 * not the same sequence for a seed.
 */
export class ZipfSampler {
  readonly n: number;
  readonly exponent: number;
  readonly method: ZipfMethod;
  readonly #table: ZipfAliasTable | undefined;
  readonly #fallback: ZipfRejectionInversion | undefined;
  readonly #labels: Uint32Array | undefined;

  constructor(n: number, exponent: number, random: RandomStream, options: ZipfSamplerOptions = {}) {
    checkZipf(n, exponent, options.labels);
    this.n = n;
    this.exponent = exponent;
    if (n <= (options.maxTableRanks ?? ZIPF_TABLE_MAX_RANKS)) {
      this.method = 'alias';
      this.#table = new ZipfAliasTable(n, exponent, random, options.labels);
    } else {
      this.method = 'rejection-inversion';
      this.#fallback = new ZipfRejectionInversion(n, exponent, random);
      this.#labels = options.labels;
    }
  }

  /** A rank in [0, n) (or its label). */
  next(): number {
    const table = this.#table;
    if (table !== undefined) return table.next();
    const rank = this.#fallback!.next();
    return this.#labels === undefined ? rank : this.#labels[rank]!;
  }

  /** Writes `offset` + a draw to each of out[start], …, out[end − 1]: the same draws as that many `next()`. */
  fill(out: Float64Array, start: number, end: number, offset = 0): void {
    const table = this.#table;
    if (table !== undefined) {
      table.fill(out, start, end, offset);
      return;
    }
    for (let i = start; i < end; i++) out[i] = offset + this.next();
  }
}

/** 2^32. */
const TWO_32 = 4294967296;

/** Columns from which `fill` draws its random numbers ahead: a 1 MiB table, a core's L2 cache here. */
const DRAW_AHEAD_COLUMNS = 2 ** 17;

/**
 * Zipf ranks by Walker's alias method, built in O(n) with Vose's algorithm ("A linear algorithm for
 * generating random numbers with a given distribution", IEEE TSE 1991). The table has N = 2^b columns, n
 * rounded up to a power of two (at least 4): columns of ranks ≥ n have no mass of their own and always give
 * their alias. Each column c keeps rank c with probability q_c and gives rank alias[c] otherwise.
 *
 * A draw takes one 32-bit random number u: its top b bits pick the column, exactly uniformly (no modulo
 * bias, which is why N is a power of two), and its other k = 32 − b bits r are the start of a uniform
 * fraction U = (r + V)/2^k to compare with q_c (V the bits that follow). The column stores t_c = q_c·2^k:
 * r < ⌊t_c⌋ means U < q_c whatever V is (keep), r > ⌊t_c⌋ means U > q_c (alias), and only when r = ⌊t_c⌋
 * (probability ≤ 2^−k) are more 32-bit numbers drawn to go on comparing bit by bit, exactly. So the rank
 * probabilities are those of the table to the last bit of its doubles; building the table rounds each column
 * by about 2^−52 of the largest weight times the number of columns, far below any statistical test.
 *
 * Memory: 8 bytes a column, and 16 more shared by every table of the same n and exponent (ZipfAliasShape);
 * a draw allocates nothing and reads 8 bytes, in one cache line.
 * Columns are visited uniformly, so the table is the largest thing a draw keeps in cache, and the hot part
 * is kept small: column c's own value (its rank, or the rank's label) and ⌊t_c⌋ packed in one 32-bit word
 * (b + k = 32 bits) and its alias's value in the next; the fractions of the t_c, needed only to break ties,
 * sit apart. Labels are folded in when they are all below the number of columns (a permutation of the ranks
 * is); other labels are looked up after the draw. A full column (q_c = 1) is stored as its own alias with
 * ⌊t_c⌋ = 0, which gives the same value for every u and draws no more numbers, as the full threshold 2^k
 * would.
 */
export class ZipfAliasTable {
  readonly n: number;
  readonly exponent: number;
  /** Columns of the table, a power of two ≥ n. */
  readonly columns: number;
  readonly #random: RandomStream;
  /** What the table shares with every table of its n and exponent: the fractions for ties, and more. */
  readonly #shape: ZipfAliasShape;
  /** Bits of a draw left after the column bits: 32 − log2(columns). */
  readonly #coinBits: number;
  readonly #coinMask: number;
  /**
   * Column c at words 2c and 2c + 1: own value << coinBits | ⌊t_c⌋, where t_c = q_c·2^coinBits is the
   * chance to keep column c's own rank scaled to the coin bits; and the alias's value.
   */
  readonly #columns: Int32Array;
  /** Labels to look up after a draw, when they could not be folded into the columns. */
  readonly #lookup: Uint32Array | undefined;
  /** Random numbers `fill` drew ahead (as int32), the next one to use and how many there are. */
  #draws = new Int32Array(0);
  #at = 0;
  #drawn = 0;

  constructor(n: number, exponent: number, random: RandomStream, labels?: Uint32Array) {
    checkZipf(n, exponent, labels);
    if (n > 2 ** 30) throw new InvalidInputError('n', `an alias table takes at most 2^30 ranks, got ${n}`);
    this.n = n;
    this.exponent = exponent;
    this.#random = random;
    const shape = zipfAliasShape(n, exponent);
    this.#shape = shape;
    this.columns = shape.columns;
    this.#coinBits = shape.coinBits;
    this.#coinMask = 2 ** shape.coinBits - 1;
    if (labels?.every((label) => label < shape.columns)) {
      this.#lookup = undefined;
      this.#columns = foldLabels(shape, labels);
    } else {
      this.#lookup = labels;
      this.#columns = shape.words;
    }
  }

  /** A rank in [0, n) (or its label): rank 0 with probability ∝ 1, rank k with probability ∝ 1/(k+1)^exponent. */
  next(): number {
    const u = this.#random.nextU32();
    const c = u >>> this.#coinBits;
    const r = u & this.#coinMask;
    const word = this.#columns[2 * c]!;
    const whole = word & this.#coinMask;
    const own = word >>> this.#coinBits;
    const other = this.#columns[2 * c + 1]!;
    // Without a branch, which would be mispredicted often: all ones iff r < whole (keep).
    const value = r === whole ? this.#tie(c, own) : other ^ ((other ^ own) & ((r - whole) >> 31));
    return this.#lookup === undefined ? value : this.#lookup[value]!;
  }

  /** Writes `offset` + a draw to each of out[start], …, out[end − 1]: the same draws as that many `next()`. */
  fill(out: Float64Array, start: number, end: number, offset = 0): void {
    if (this.#lookup !== undefined) {
      for (let i = start; i < end; i++) out[i] = offset + this.next();
      return;
    }
    // next(), written out with its fields in locals: the hot loop of every Zipf workload. From a large table
    // the random numbers are drawn first, one per value, so the lookup loop is only loads: such a table misses
    // the caches on almost every column, and without the generator's chain between them many misses overlap
    // (a table in cache only loses by it). A tie takes its extra numbers from the ones drawn next; the last
    // values, with none left, draw their own.
    const count = this.columns >= DRAW_AHEAD_COLUMNS ? end - start : 0;
    if (this.#draws.length < count) this.#draws = new Int32Array(count);
    const draws = this.#draws;
    const random = this.#random;
    for (let j = 0; j < count; j++) draws[j] = random.nextU32();
    this.#drawn = count;
    const columns = this.#columns;
    const coinBits = this.#coinBits;
    const coinMask = this.#coinMask;
    let at = 0;
    for (let i = start; i < end; i++) {
      const u = at < count ? draws[at++]! : random.nextU32();
      const c = u >>> coinBits;
      const r = u & coinMask;
      const word = columns[2 * c]!;
      const whole = word & coinMask;
      const own = word >>> coinBits;
      const other = columns[2 * c + 1]!;
      if (r === whole) {
        this.#at = at;
        out[i] = offset + this.#tie(c, own);
        at = this.#at;
      } else {
        out[i] = offset + (other ^ ((other ^ own) & ((r - whole) >> 31)));
      }
    }
    this.#at = 0;
    this.#drawn = 0;
  }

  /**
   * The probability of each value the table draws (ranks, or their labels) below `size` (default n), as the
   * table holds it: for tests and analysis, O(columns).
   */
  probabilities(size = this.n): Float64Array {
    const out = new Float64Array(size);
    const unit = 1 / this.columns;
    const coinBits = this.#coinBits;
    const label = (value: number) => (this.#lookup === undefined ? value : this.#lookup[value]!);
    for (let c = 0; c < this.columns; c++) {
      const word = this.#columns[2 * c]!;
      const q = ((word & this.#coinMask) + this.#shape.fractions[c]!) * 2 ** -coinBits;
      const own = label(word >>> coinBits);
      const other = label(this.#columns[2 * c + 1]!);
      if (own < size) out[own]! += q * unit;
      if (other < size) out[other]! += (1 - q) * unit;
    }
    return out;
  }

  /** r = ⌊t_c⌋: keep column c's own value `own` iff the fraction V that follows r is below t_c − r, in [0, 1). */
  #tie(c: number, own: number): number {
    let f = this.#shape.fractions[c]!;
    while (f > 0) {
      f *= TWO_32;
      const bits = Math.floor(f);
      f -= bits;
      const v = this.#at < this.#drawn ? this.#draws[this.#at++]! >>> 0 : this.#random.nextU32();
      if (v < bits) return own;
      if (v > bits) break;
    }
    // V ≥ f: v above p's bits, or equal to all of them.
    return this.#columns[2 * c + 1]!;
  }
}

/** The shape's columns with each rank replaced by its label (all below the number of columns). */
function foldLabels(shape: ZipfAliasShape, labels: Uint32Array): Int32Array {
  const { words, coinBits } = shape;
  const mask = 2 ** coinBits - 1;
  const folded = new Int32Array(words.length);
  for (let i = 0; i < words.length; i += 2) {
    const word = words[i]!;
    folded[i] = (labels[word >>> coinBits]! << coinBits) | (word & mask);
    folded[i + 1] = labels[words[i + 1]!]!;
  }
  return folded;
}

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
 * (a few logs and exps, and fewer than 1.1 tries on average), with no table of n entries and no allocation:
 * ZipfSampler's fallback for n too large for a table.
 */
export class ZipfRejectionInversion {
  readonly n: number;
  readonly exponent: number;
  readonly #random: RandomStream;
  readonly #hIntegralX1: number;
  readonly #hIntegralN: number;
  readonly #s: number;

  constructor(n: number, exponent: number, random: RandomStream) {
    checkZipf(n, exponent, undefined);
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
