import { grown } from './grown';
import { WordMap } from './word-map';

/**
 * A hash map from 64-bit keys, as two 32-bit words, to any numbers: a `WordMap` numbers the keys in the order
 * they were first set, and the values sit in a Float64Array by that number, so a probe reads one cache line
 * and a hit one more. Entries are only added, overwritten or all cleared at once, as a sharing engine's table
 * of content hashes is (a stale entry is replaced when it is next matched, as ESX does).
 */
export class NumberMap {
  readonly #index = new WordMap();
  #values = new Float64Array(1024);

  /** Entries held. */
  get size(): number {
    return this.#index.size;
  }

  /** The value under (hi, lo), or undefined. */
  get(hi: number, lo: number): number | undefined {
    const i = this.#index.get(lo, hi, 0);
    return i < 0 ? undefined : this.#values[i];
  }

  set(hi: number, lo: number, value: number): void {
    const next = this.#index.size;
    const i = this.#index.add(lo, hi, 0, next);
    if (i >= 0) {
      this.#values[i] = value;
      return;
    }
    if (next === this.#values.length) this.#values = grown(this.#values);
    this.#values[next] = value;
  }

  /** Removes every entry, keeping the capacity. */
  clear(): void {
    this.#index.clear();
  }
}
