import { idHash } from './id-hash';

/**
 * Dense slots for a sparse set of ids: an open-addressing hash table (linear probing, on typed arrays) from
 * an id to a slot in 0..n−1, freed slots reused first. SHARDS keeps its sampled ids here, so its stack and
 * tables follow the sample, not the largest page id: memory bounded by s_max in the fixed-size variant, and
 * tables small enough to stay in the CPU caches while the trace streams past.
 */
export class IdSlots {
  /** Entry e at [2e, 2e + 1]: the id (−1 when empty) and its slot, side by side so a probe reads one line. */
  #table = IdSlots.#empty(1024);
  /** Entries − 1, for wrapping probes. */
  #mask = 1023;
  /** 32 − log2(entries): the shift that takes a home entry from a hash. */
  #shift = 22;
  #size = 0;
  /** Freed slots, reused before new ones (a stack). */
  #free = new Int32Array(16);
  #freeCount = 0;
  /** Slots handed out so far: new slots are numbered from here. */
  #slotCount = 0;

  /** Ids in the table. */
  get size(): number {
    return this.#size;
  }

  /** The slot of `id`, or −1 if absent. */
  get(id: number): number {
    const table = this.#table;
    for (let e = this.#home(id); ; e = (e + 1) & this.#mask) {
      const at = table[2 * e]!;
      if (at === id) return table[2 * e + 1]!;
      if (at < 0) return -1;
    }
  }

  /** Adds `id`, which must be absent, and returns its slot. */
  add(id: number): number {
    if (2 * (this.#size + 1) > this.#mask + 1) this.#rehash(2 * (this.#mask + 1));
    const slot = this.#freeCount > 0 ? this.#free[--this.#freeCount]! : this.#slotCount++;
    this.#insert(id, slot);
    this.#size++;
    return slot;
  }

  /** Removes `id`, which must be present, and returns the slot it held, free for reuse from now on. */
  delete(id: number): number {
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#home(id);
    while (table[2 * hole] !== id) hole = (hole + 1) & mask;
    const slot = table[2 * hole + 1]!;
    // Backward-shift deletion: later entries of the probe run move into the hole when their home allows, so
    // lookups never meet tombstones.
    for (let e = (hole + 1) & mask; table[2 * e]! >= 0; e = (e + 1) & mask) {
      // Entry e may move to the hole unless its home lies cyclically within (hole, e].
      if (((e - this.#home(table[2 * e]!)) & mask) >= ((e - hole) & mask)) {
        table[2 * hole] = table[2 * e]!;
        table[2 * hole + 1] = table[2 * e + 1]!;
        hole = e;
      }
    }
    table[2 * hole] = -1;
    this.#size--;
    if (this.#freeCount === this.#free.length) {
      const grown = new Int32Array(2 * this.#free.length);
      grown.set(this.#free);
      this.#free = grown;
    }
    this.#free[this.#freeCount++] = slot;
    return slot;
  }

  /**
   * The entry an id probes first: the top bits of its hash times a Fibonacci constant, so every bit of the
   * hash counts (SHARDS samples ids whose low hash bits are small).
   */
  #home(id: number): number {
    return Math.imul(idHash(id), 0x9e3779b1) >>> this.#shift;
  }

  #insert(id: number, slot: number): void {
    const table = this.#table;
    let e = this.#home(id);
    while (table[2 * e]! >= 0) e = (e + 1) & this.#mask;
    table[2 * e] = id;
    table[2 * e + 1] = slot;
  }

  #rehash(entries: number): void {
    const old = this.#table;
    this.#table = IdSlots.#empty(entries);
    this.#mask = entries - 1;
    this.#shift = 32 - Math.log2(entries);
    for (let e = 0; 2 * e < old.length; e++) if (old[2 * e]! >= 0) this.#insert(old[2 * e]!, old[2 * e + 1]!);
  }

  static #empty(entries: number): Int32Array {
    const table = new Int32Array(2 * entries);
    for (let e = 0; e < entries; e++) table[2 * e] = -1;
    return table;
  }
}
