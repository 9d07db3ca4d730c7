import { grown, WordMap } from '@hvsim/helpers';

/**
 * Dense slots for a sparse set of ids: a `WordMap` from an id to a slot in 0..n−1, freed slots reused first.
 * SHARDS keeps its sampled ids here, so its stack and tables follow the sample, not the largest page id:
 * memory bounded by s_max in the fixed-size variant, and tables small enough to stay in the CPU caches while
 * the trace streams past.
 */
export class IdSlots {
  readonly #slots = new WordMap();
  /** Freed slots, reused before new ones (a stack). */
  #free = new Int32Array(16);
  #freeCount = 0;
  /** Slots handed out so far: new slots are numbered from here. */
  #slotCount = 0;

  /** Ids in the table. */
  get size(): number {
    return this.#slots.size;
  }

  /** The slot of `id`, or −1 if absent. */
  get(id: number): number {
    return this.#slots.get(id, 0, 0);
  }

  /** Adds `id`, which must be absent, and returns its slot. */
  add(id: number): number {
    const slot = this.#freeCount > 0 ? this.#free[--this.#freeCount]! : this.#slotCount++;
    this.#slots.set(id, 0, 0, slot);
    return slot;
  }

  /** Removes `id`, which must be present, and returns the slot it held, free for reuse from now on. */
  delete(id: number): number {
    const slot = this.#slots.delete(id, 0, 0);
    if (this.#freeCount === this.#free.length) this.#free = grown(this.#free);
    this.#free[this.#freeCount++] = slot;
    return slot;
  }
}
