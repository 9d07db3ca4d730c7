import { InvalidInputError, type RandomStream } from '@hvsim/spec';

/** 2^32. */
const TWO_32 = 4294967296;

/** Largest bound drawn from the bit pool; above it, draws go through RandomStream.nextInt. */
const POOL_MAX = 2 ** 21;

/** Extra bits a draw takes for a bound that is not a power of two: a retry then has a chance below 2^−6. */
const SLACK_BITS = 6;

/**
 * Uniform integers in [0, n), exactly, from as few random bits as the range needs.
 *
 * A draw takes w bits from a pool refilled with the stream's 32-bit draws: w = log2(n) when n is a power of
 * two (the bits are the index), else w = ⌈log2 n⌉ + 6. Those w bits v give the index ⌊v·n / 2^w⌋ by
 * Lemire's multiply-and-reject ("Fast random integer generation in an interval", TOMACS 2019): the
 * 2^w mod n values of v whose low part would give some indices one extra chance are rejected and drawn
 * again (probability below 2^−6), so there is no bias at all. So an index of a 2^15-page working set costs
 * 15 random bits, not 32. Above 2^21 (where v·n could outgrow a double's 53 bits) draws go through
 * RandomStream.nextInt.
 */
export class UniformIndex {
  readonly n: number;
  readonly #random: RandomStream;
  /** Bits a draw takes (0: n > 2^21, nextInt). */
  readonly #width: number;
  /** 2^width mod n: low parts below it are rejected. */
  readonly #reject: number;
  readonly #scale: number;
  /** Unused random bits, from the top bit down, and how many (always fewer than 32). */
  #pool = 0;
  #left = 0;

  constructor(n: number, random: RandomStream) {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_32)) {
      throw new InvalidInputError('n', `expected a whole number in [1, 2^32], got ${n}`);
    }
    this.n = n;
    this.#random = random;
    if (n > POOL_MAX) {
      this.#width = 0;
      this.#reject = 0;
      this.#scale = 0;
      return;
    }
    const bits = Math.ceil(Math.log2(n));
    const width = 2 ** bits === n ? Math.max(1, bits) : bits + SLACK_BITS;
    this.#width = width;
    this.#reject = 2 ** width % n;
    this.#scale = 2 ** -width;
  }

  next(): number {
    const n = this.n;
    const width = this.#width;
    if (width === 0) return this.#random.nextInt(n);
    const limit = 2 ** width;
    for (;;) {
      let v: number;
      if (this.#left >= width) {
        v = this.#pool >>> (32 - width);
        this.#pool <<= width;
        this.#left -= width;
      } else {
        const u = this.#random.nextU32();
        const need = width - this.#left;
        v = (this.#pool >>> (32 - width)) | (u >>> (32 - need));
        this.#pool = u << need;
        this.#left = 32 - need;
      }
      const m = v * n;
      const index = Math.floor(m * this.#scale);
      if (m - index * limit >= this.#reject) return index;
    }
  }

  /** Writes `offset` + a draw to each of out[start], …, out[end − 1]: the same draws as that many `next()`. */
  fill(out: Float64Array, start: number, end: number, offset = 0): void {
    const n = this.n;
    const width = this.#width;
    const random = this.#random;
    if (width === 0) {
      for (let i = start; i < end; i++) out[i] = offset + random.nextInt(n);
      return;
    }
    const limit = 2 ** width;
    const scale = this.#scale;
    const reject = this.#reject;
    const down = 32 - width;
    let pool = this.#pool;
    let left = this.#left;
    for (let i = start; i < end; ) {
      // Take `width` bits from the pool, refilling it from a new draw when it runs short.
      let v: number;
      if (left >= width) {
        v = pool >>> down;
        pool <<= width;
        left -= width;
      } else {
        const u = random.nextU32();
        const need = width - left;
        v = (pool >>> down) | (u >>> (32 - need));
        pool = u << need;
        left = 32 - need;
      }
      const m = v * n;
      const index = Math.floor(m * scale);
      if (m - index * limit < reject) continue; // draw again
      out[i++] = offset + index;
    }
    this.#pool = pool;
    this.#left = left;
  }
}
