/**
 * A table keyed by a 64-bit hash (of page contents, say), in typed arrays: a key is the hash as two 32-bit
 * words, a value any number (a shared frame, or an encoded page). The low word, already uniform, picks the
 * slot unmixed (open addressing with linear probing): on a sharing scan, which misses the caches on every
 * lookup, mixing it as `WordMap` does cost a third of the speed. Entries are only added, overwritten or all
 * cleared at once — a sharing engine replaces a stale one when it next matches it, as ESX does — and the table
 * doubles at half full. A JS `Map` keyed by doubles ran at a third of the speed.
 */
export class HashTable {
  #hi = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  #values = new Float64Array(1024);
  #used = new Uint8Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The value under (hi, lo), or undefined. */
  get(hi: number, lo: number): number | undefined {
    const slot = this.#slot(hi, lo);
    return this.#used[slot] === 1 ? this.#values[slot] : undefined;
  }

  /** Empties the table, keeping its capacity (KSM's unstable tree, rebuilt every full scan). */
  clear(): void {
    this.#used.fill(0);
    this.#size = 0;
  }

  set(hi: number, lo: number, value: number): void {
    let slot = this.#slot(hi, lo);
    if (this.#used[slot] === 0) {
      if (2 * (this.#size + 1) > this.#used.length) {
        this.#grow();
        slot = this.#slot(hi, lo);
      }
      this.#used[slot] = 1;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
      this.#size++;
    }
    this.#values[slot] = value;
  }

  /** The slot holding (hi, lo), or the empty one where it would go. */
  #slot(hi: number, lo: number): number {
    const mask = this.#used.length - 1;
    let slot = lo & mask;
    while (this.#used[slot] === 1 && (this.#lo[slot] !== lo || this.#hi[slot] !== hi))
      slot = (slot + 1) & mask;
    return slot;
  }

  #grow(): void {
    const [hi, lo, values, used] = [this.#hi, this.#lo, this.#values, this.#used];
    const capacity = 2 * used.length;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#values = new Float64Array(capacity);
    this.#used = new Uint8Array(capacity);
    for (let i = 0; i < used.length; i++) {
      if (used[i] === 0) continue;
      const slot = this.#slot(hi[i]!, lo[i]!);
      this.#used[slot] = 1;
      this.#hi[slot] = hi[i]!;
      this.#lo[slot] = lo[i]!;
      this.#values[slot] = values[i]!;
    }
  }
}
