import { InvalidInputError, type RandomStream } from '@hvsim/spec';

/** Most binary digits a double in (0, 1) has after the point (2^−1074 is the least subnormal). */
const MAX_DIGITS = 1074;

const NO_LIST = new Uint32Array(0);

/**
 * Tosses of a biased coin, true with probability p, exactly, 32 at a time from a few 32-bit draws.
 *
 * A toss compares a uniform fraction U with p and is true iff U < p; reading U's binary digits one by one,
 * the first digit that differs from p's decides (U's 0 against p's 1: true). A block of 32 tosses does this
 * for all 32 at once, bit-sliced: the i-th draw holds digit i of the 32 fractions, one per bit, and masks
 * settle every toss whose digit differs from p's. It stops when all 32 are settled, or when p has no more
 * 1 digits (the rest, equal to p so far, are not below it): 2 draws for p = 0.25, about 7 for a p with
 * many digits, instead of 32. Tosses are served from the block in order, so `toss` and `tossInto` give the
 * same sequence; p = 0 and p = 1 draw nothing.
 */
export class Coin {
  readonly #random: RandomStream;
  #p = Number.NaN;
  /** 0: always false, 1: always true, 2: toss. */
  #mode = 0;
  /** p's binary digits after the point, digits[1] first, and the position of the last 1. */
  readonly #digits = new Uint8Array(MAX_DIGITS + 1);
  #lastOne = 0;
  /** Unserved tosses of the current block (1 bits are true), from the top bit, and how many. */
  #block = 0;
  #blockLeft = 0;

  constructor(random: RandomStream, p: number) {
    this.#random = random;
    this.setProbability(p);
  }

  get probability(): number {
    return this.#p;
  }

  /** Sets p for the tosses to come (the rest of a block drawn for the old p is dropped, unseen). */
  setProbability(p: number): void {
    if (!(p >= 0 && p <= 1)) throw new InvalidInputError('p', `expected a probability in [0, 1], got ${p}`);
    if (p === this.#p) return;
    this.#p = p;
    this.#mode = p === 0 ? 0 : p === 1 ? 1 : 2;
    // Served tosses were drawn for the old p: drop them (unseen, so no bias).
    this.#blockLeft = 0;
    let f = p < 1 ? p : 0;
    let last = 0;
    for (let i = 1; f > 0; i++) {
      f *= 2; // exact
      const digit = f >= 1 ? 1 : 0;
      f -= digit;
      this.#digits[i] = digit;
      if (digit === 1) last = i;
    }
    this.#lastOne = last;
  }

  toss(): boolean {
    if (this.#mode !== 2) return this.#mode === 1;
    if (this.#blockLeft === 0) {
      this.#block = this.#nextBlock();
      this.#blockLeft = 32;
    }
    const block = this.#block;
    this.#block = block << 1;
    this.#blockLeft--;
    return block < 0;
  }

  /**
   * Tosses for out[start], …, out[end − 1]: 1 for true, 0 for false (OpKind.Write and OpKind.Read), the same
   * tosses as that many `toss()`. Returns how many were true, and when `trueAt` is given, lists the indices
   * of the true ones there, in order, from trueAt[0].
   */
  tossInto(out: Uint8Array, start: number, end: number, trueAt?: Uint32Array): number {
    if (this.#mode !== 2) {
      const value = this.#mode;
      out.fill(value, start, end);
      if (value === 0) return 0;
      if (trueAt !== undefined) for (let i = start; i < end; i++) trueAt[i - start] = i;
      return end - start;
    }
    const list = trueAt ?? NO_LIST;
    const listing = trueAt !== undefined;
    let count = 0;
    let i = start;
    out.fill(0, start, end); // then a 1 for each true toss
    for (;;) {
      // Serve the block under way, or start the next one.
      let block = this.#block;
      let left = this.#blockLeft;
      if (left === 0) {
        if (i === end) break;
        block = this.#nextBlock();
        left = 32;
      }
      const take = Math.min(left, end - i);
      // The true ones: the first `take` bits that are set.
      let ones = take === 32 ? block : block & ~(-1 >>> take);
      while (ones !== 0) {
        const j = Math.clz32(ones);
        out[i + j] = 1;
        if (listing) list[count] = i + j;
        count++;
        ones ^= 0x80000000 >>> j;
      }
      this.#block = take === 32 ? 0 : block << take;
      this.#blockLeft = left - take;
      i += take;
      if (i === end) break;
    }
    return count;
  }

  /** 32 tosses, bit-sliced: bit 31 − j of the result is toss j. */
  #nextBlock(): number {
    const digits = this.#digits;
    const last = this.#lastOne;
    let undecided = -1;
    let below = 0;
    for (let i = 1; i <= last && undecided !== 0; i++) {
      const u = this.#random.nextU32() | 0;
      if (digits[i] === 1) {
        below |= undecided & ~u; // U's digit 0 where p's is 1: U < p
        undecided &= u;
      } else {
        undecided &= ~u; // U's digit 1 where p's is 0: U > p
      }
    }
    // Still undecided: equal to every digit of p, so U ≥ p.
    return below;
  }
}
