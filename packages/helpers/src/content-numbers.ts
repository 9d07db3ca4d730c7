import { WordMap } from './word-map';

/**
 * Distinct page contents numbered 0, 1, … in the order first seen, found by their 64-bit hash. A hash match
 * is only a candidate, which the caller confirms with a full compare, so contents of equal hashes get a
 * number each: the nth of a hash is keyed (hash, n).
 */
export class ContentNumbers {
  readonly #numbers = new WordMap();

  /** Contents numbered. */
  get size(): number {
    return this.#numbers.size;
  }

  /** The number of the content hashing to (hi, lo) that `same` confirms, or −1. */
  find(hi: number, lo: number, same: (number: number) => boolean): number {
    for (let n = 0; ; n++) {
      const number = this.#numbers.get(lo, hi, n);
      if (number < 0 || same(number)) return number;
    }
  }

  /** Numbers a new content hashing to (hi, lo): the next number, `size` before the call. */
  add(hi: number, lo: number): number {
    const number = this.#numbers.size;
    for (let n = 0; this.#numbers.add(lo, hi, n, number) >= 0; n++);
    return number;
  }
}
