import type { ImageFiles } from './image-files';

/** Slot states. */
const EMPTY = 0;
const ONCE = 1;
const MANY = 2;

const INITIAL_SLOTS = 1 << 10;

/**
 * The distinct page contents of a scan, each known by its 64-bit hash and its first page (file, page), in
 * struct-of-arrays open addressing (linear probing, at most half full; 21 bytes a slot). Contents with equal
 * hashes take a slot each. Per file it tallies the contents whose first page the file holds (`first`) and
 * those of them no other page holds so far (`single`). The zero content lives outside the table: its bytes
 * are known, so it needs no slot.
 */
export class ContentIndex {
  readonly first: Float64Array;
  readonly single: Float64Array;
  #hashLow = new Uint32Array(INITIAL_SLOTS);
  #hashHigh = new Uint32Array(INITIAL_SLOTS);
  #state = new Uint8Array(INITIAL_SLOTS);
  #file = new Uint32Array(INITIAL_SLOTS);
  #page = new Float64Array(INITIAL_SLOTS);
  #size = 0;
  #unshared = 0;
  #zeroFile = -1;
  #zeroPages = 0;
  // Splits a 64-bit hash into two 32-bit words without BigInt arithmetic.
  readonly #hash = new BigUint64Array(1);
  readonly #words = new Uint32Array(this.#hash.buffer);

  constructor(files: number) {
    this.first = new Float64Array(files);
    this.single = new Float64Array(files);
  }

  /**
   * Counts page `page` of `file`, which is the chunk's page at byte `offset` of `images` and hashes to `h`:
   * a hash match is compared in full with the content's first page before the page counts as that content.
   */
  add(h: bigint, images: ImageFiles, offset: number, file: number, page: number): void {
    if (2 * (this.#size + 1) > this.#state.length) this.#grow();
    this.#hash[0] = h;
    const low = this.#words[0]!;
    const high = this.#words[1]!;
    const mask = this.#state.length - 1;
    let slot = low & mask;
    for (; this.#state[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (
        this.#hashLow[slot] === low &&
        this.#hashHigh[slot] === high &&
        images.samePage(offset, this.#file[slot]!, this.#page[slot]!)
      ) {
        if (this.#state[slot] === ONCE) {
          this.#state[slot] = MANY;
          this.#nowShared(this.#file[slot]!);
        }
        return;
      }
    }
    this.#set(slot, low, high, ONCE, file, page);
    this.#size++;
    this.#newContent(file);
  }

  /** Counts a page of zeros in `file`. */
  addZero(file: number): void {
    if (this.#zeroPages === 0) {
      this.#zeroFile = file;
      this.#newContent(file);
    } else if (this.#zeroPages === 1) this.#nowShared(this.#zeroFile);
    this.#zeroPages++;
  }

  /** Distinct contents seen, the zero content included. */
  get distinct(): number {
    return this.#size + (this.#zeroPages > 0 ? 1 : 0);
  }

  /** Contents held by one page only. */
  get unshared(): number {
    return this.#unshared;
  }

  #newContent(file: number): void {
    this.first[file]!++;
    this.single[file]!++;
    this.#unshared++;
  }

  /** A content whose first page is in `file` has just been found a second time. */
  #nowShared(file: number): void {
    this.single[file]!--;
    this.#unshared--;
  }

  #set(slot: number, low: number, high: number, state: number, file: number, page: number): void {
    this.#hashLow[slot] = low;
    this.#hashHigh[slot] = high;
    this.#state[slot] = state;
    this.#file[slot] = file;
    this.#page[slot] = page;
  }

  #grow(): void {
    const hashLow = this.#hashLow;
    const hashHigh = this.#hashHigh;
    const state = this.#state;
    const file = this.#file;
    const page = this.#page;
    const slots = 2 * state.length;
    this.#hashLow = new Uint32Array(slots);
    this.#hashHigh = new Uint32Array(slots);
    this.#state = new Uint8Array(slots);
    this.#file = new Uint32Array(slots);
    this.#page = new Float64Array(slots);
    const mask = slots - 1;
    for (let from = 0; from < state.length; from++) {
      if (state[from] === EMPTY) continue;
      let slot = hashLow[from]! & mask;
      while (this.#state[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.#set(slot, hashLow[from]!, hashHigh[from]!, state[from]!, file[from]!, page[from]!);
    }
  }
}
