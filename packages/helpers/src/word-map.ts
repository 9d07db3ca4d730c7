/** The largest value a `WordMap` holds: values are stored + 1 in an int32, 0 marking an empty slot. */
export const MAX_WORD_MAP_VALUE = 2 ** 31 - 2;

/**
 * A hash map from keys of three 32-bit words (a 64-bit hash or id as two words, and a third such as a
 * sharing domain; pass 0 for a word a key does not use) to whole numbers in [0, `MAX_WORD_MAP_VALUE`]. Open
 * addressing with linear probing in one Int32Array: a slot is 16 bytes, the key's words then the value + 1
 * (0: empty, so a new array needs no filling), so a probe reads one cache line. It doubles at half full, and
 * a removal shifts the entries after it back (no tombstones), so lookups stay short however often entries
 * come and go. A JS `Map` keyed by numbers ran at a third of the speed; a string key, slower still.
 *
 * Words are read as int32 (`w | 0`), so a uint32 and its int32 alias are one word. Nothing is iterated: no
 * result can depend on where an entry sits.
 */
export class WordMap {
  #slots: Int32Array;
  #mask: number;
  #size = 0;

  /** `capacity`: the slots to start with, a power of two of at least 2. */
  constructor(capacity = 1024) {
    if (!(Number.isInteger(capacity) && capacity >= 2 && (capacity & (capacity - 1)) === 0)) {
      throw new RangeError(`a WordMap's capacity is a power of two of at least 2, not ${capacity}`);
    }
    this.#slots = new Int32Array(4 * capacity);
    this.#mask = capacity - 1;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of typed arrays held. */
  get bytes(): number {
    return this.#slots.byteLength;
  }

  /** The value under the key, or −1. */
  get(a: number, b: number, c: number): number {
    return this.#slots[this.#at(a | 0, b | 0, c | 0) + 3]! - 1;
  }

  /** Sets the value under the key, adding the key if it is new. */
  set(a: number, b: number, c: number, value: number): void {
    a |= 0;
    b |= 0;
    c |= 0;
    const at = this.#at(a, b, c);
    if (this.#slots[at + 3] === 0) this.#insert(at, a, b, c, value);
    else this.#slots[at + 3] = value + 1;
  }

  /** Adds the key with `value` unless it is present: returns the value it already had, or −1 once added. */
  add(a: number, b: number, c: number, value: number): number {
    a |= 0;
    b |= 0;
    c |= 0;
    const at = this.#at(a, b, c);
    const held = this.#slots[at + 3]!;
    if (held === 0) this.#insert(at, a, b, c, value);
    return held - 1;
  }

  /** Removes the key: returns the value it had, or −1 if it was absent. */
  delete(a: number, b: number, c: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let hole = this.#at(a | 0, b | 0, c | 0) >> 2;
    const held = slots[4 * hole + 3]!;
    if (held === 0) return -1;
    // Backward shift: an entry after the hole whose probe run would not reach past the hole moves into it.
    for (let next = (hole + 1) & mask; slots[4 * next + 3] !== 0; next = (next + 1) & mask) {
      const from = 4 * next;
      const home = hash(slots[from]!, slots[from + 1]!, slots[from + 2]!) & mask;
      if (((next - home) & mask) < ((next - hole) & mask)) continue;
      this.#put(4 * hole, slots[from]!, slots[from + 1]!, slots[from + 2]!, slots[from + 3]!);
      hole = next;
    }
    slots[4 * hole + 3] = 0;
    this.#size--;
    return held - 1;
  }

  /** Removes every entry, keeping the capacity. */
  clear(): void {
    this.#slots.fill(0);
    this.#size = 0;
  }

  /** The index in `#slots` of the slot holding the key, or of the empty slot where it would go. */
  #at(a: number, b: number, c: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = hash(a, b, c) & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      if (slots[at + 3] === 0 || (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c)) return at;
    }
  }

  #insert(at: number, a: number, b: number, c: number, value: number): void {
    if (2 * (this.#size + 1) > this.#mask + 1) {
      this.#grow();
      at = this.#at(a, b, c);
    }
    this.#put(at, a, b, c, value + 1);
    this.#size++;
  }

  /** Writes a slot: the key's words and the value as stored (+ 1). */
  #put(at: number, a: number, b: number, c: number, stored: number): void {
    const slots = this.#slots;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = c;
    slots[at + 3] = stored;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(2 * old.length);
    this.#mask = 2 * this.#mask + 1;
    for (let from = 0; from < old.length; from += 4) {
      const stored = old[from + 3]!;
      if (stored === 0) continue;
      const a = old[from]!;
      const b = old[from + 1]!;
      const c = old[from + 2]!;
      this.#put(this.#at(a, b, c), a, b, c, stored);
    }
  }
}

/**
 * murmur3's finaliser over the words, crossed first so that sequential ids, keys differing only in a high
 * word and keys of the same low words in different third words all spread.
 */
function hash(a: number, b: number, c: number): number {
  let h = a ^ Math.imul(b ^ (b >>> 15), 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
