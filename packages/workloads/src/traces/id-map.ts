import { HvsimError } from '@hvsim/spec';
import { fmix32, TWO_32 } from './numbers';

const INITIAL_SLOTS = 1 << 12;
/** Slot values are page + 1 in an Int32Array (0 marks an empty slot). */
export const MAX_DENSE_IDS = 2 ** 31 - 2;

/**
 * Sparse 64-bit ids (object ids, page numbers of addresses) to dense page numbers in first-seen order, so a
 * trace of N distinct ids touches pages [0, N). An open-addressing hash table with linear probing in one
 * typed array, four int32 words per slot (id low half, id high half, page + 1, unused) so a probe touches
 * one cache line; it doubles when half full. The reverse map (page → id) is kept for callers who want the
 * raw ids back.
 */
export class DenseIdMap {
  #slots = new Int32Array(INITIAL_SLOTS * 4);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;
  #idLo: Uint32Array = new Uint32Array(INITIAL_SLOTS / 2);
  #idHi: Uint32Array = new Uint32Array(INITIAL_SLOTS / 2);

  /** Distinct ids seen so far: the pages handed out are [0, size). */
  get size(): number {
    return this.#size;
  }

  /** The dense page of the id `hi * 2^32 + lo` (uint32 halves), handing out the next page to a new id. */
  page(lo: number, hi: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const l = lo | 0;
    const h = hi | 0;
    let slot = hashId(l, h) & mask;
    for (;;) {
      const at = slot << 2;
      const value = slots[at + 2]!;
      if (value === 0) return this.#insert(at, l, h);
      if (slots[at] === l && slots[at + 1] === h) return value - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** The page of an id if it was seen, else -1 (does not add it). */
  find(lo: number, hi: number): number {
    const slots = this.#slots;
    const l = lo | 0;
    const h = hi | 0;
    let slot = hashId(l, h) & this.#mask;
    for (;;) {
      const at = slot << 2;
      const value = slots[at + 2]!;
      if (value === 0) return -1;
      if (slots[at] === l && slots[at + 1] === h) return value - 1;
      slot = (slot + 1) & this.#mask;
    }
  }

  /** The id a page was handed out for, as a bigint (ids may exceed 2^53). */
  id(page: number): bigint {
    if (!Number.isInteger(page) || page < 0 || page >= this.#size) {
      throw new RangeError(`page ${page} was not handed out (the map has ${this.#size} ids)`);
    }
    return (BigInt(this.#idHi[page]!) << 32n) | BigInt(this.#idLo[page]!);
  }

  /** The id of a page as a float64: exact when the id is below 2^53. */
  idNumber(page: number): number {
    return this.#idHi[page]! * TWO_32 + this.#idLo[page]!;
  }

  /** Bytes of typed arrays held. */
  get bytes(): number {
    return this.#slots.byteLength + this.#idLo.byteLength + this.#idHi.byteLength;
  }

  #insert(at: number, lo: number, hi: number): number {
    const page = this.#size;
    if (page >= MAX_DENSE_IDS) {
      throw new HvsimError('too-many-ids', `a trace may hold at most ${MAX_DENSE_IDS} distinct ids`, 'trace');
    }
    const slots = this.#slots;
    slots[at] = lo;
    slots[at + 1] = hi;
    slots[at + 2] = page + 1;
    if (page === this.#idLo.length) {
      this.#idLo = grownCopy(this.#idLo);
      this.#idHi = grownCopy(this.#idHi);
    }
    this.#idLo[page] = lo;
    this.#idHi[page] = hi;
    this.#size = page + 1;
    if (this.#size * 2 > this.#mask + 1) this.#rehash();
    return page;
  }

  #rehash(): void {
    const old = this.#slots;
    const count = (this.#mask + 1) * 2;
    const slots = new Int32Array(count * 4);
    const mask = count - 1;
    for (let at = 0; at < old.length; at += 4) {
      const value = old[at + 2]!;
      if (value === 0) continue;
      const lo = old[at]!;
      const hi = old[at + 1]!;
      let slot = hashId(lo, hi) & mask;
      while (slots[(slot << 2) + 2] !== 0) slot = (slot + 1) & mask;
      const to = slot << 2;
      slots[to] = lo;
      slots[to + 1] = hi;
      slots[to + 2] = value;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** Mixes both halves so sequential ids, page numbers and ids differing only in the high half all spread. */
function hashId(lo: number, hi: number): number {
  return fmix32(lo ^ Math.imul(hi ^ (hi >>> 15), 0x9e3779b1));
}

function grownCopy(array: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
