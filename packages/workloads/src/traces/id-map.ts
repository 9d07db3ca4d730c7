import { grown, WordMap } from '@hvsim/helpers';
import { HvsimError } from '@hvsim/spec';
import { TWO_32 } from './numbers';

const INITIAL_SLOTS = 1 << 12;
/** Pages are a `WordMap`'s values, below 2^31 − 1. */
export const MAX_DENSE_IDS = 2 ** 31 - 2;

/**
 * Sparse 64-bit ids (object ids, page numbers of addresses) to dense page numbers in first-seen order, so a
 * trace of N distinct ids touches pages [0, N): a `WordMap` keyed by the id's two halves. The reverse map
 * (page → id) is kept for callers who want the raw ids back.
 */
export class DenseIdMap {
  readonly #pages = new WordMap(INITIAL_SLOTS);
  #idLo = new Uint32Array(INITIAL_SLOTS / 2);
  #idHi = new Uint32Array(INITIAL_SLOTS / 2);

  /** Distinct ids seen so far: the pages handed out are [0, size). */
  get size(): number {
    return this.#pages.size;
  }

  /** The dense page of the id `hi * 2^32 + lo` (uint32 halves), handing out the next page to a new id. */
  page(lo: number, hi: number): number {
    const next = this.#pages.size;
    if (next >= MAX_DENSE_IDS) {
      const page = this.#pages.get(lo, hi, 0);
      if (page >= 0) return page;
      throw new HvsimError('too-many-ids', `a trace may hold at most ${MAX_DENSE_IDS} distinct ids`, 'trace');
    }
    const page = this.#pages.add(lo, hi, 0, next);
    if (page >= 0) return page;
    if (next === this.#idLo.length) {
      this.#idLo = grown(this.#idLo);
      this.#idHi = grown(this.#idHi);
    }
    this.#idLo[next] = lo;
    this.#idHi[next] = hi;
    return next;
  }

  /** The page of an id if it was seen, else -1 (does not add it). */
  find(lo: number, hi: number): number {
    return this.#pages.get(lo, hi, 0);
  }

  /** The id a page was handed out for, as a bigint (ids may exceed 2^53). */
  id(page: number): bigint {
    if (!Number.isInteger(page) || page < 0 || page >= this.size) {
      throw new RangeError(`page ${page} was not handed out (the map has ${this.size} ids)`);
    }
    return (BigInt(this.#idHi[page]!) << 32n) | BigInt(this.#idLo[page]!);
  }

  /** The id of a page as a float64: exact when the id is below 2^53. */
  idNumber(page: number): number {
    return this.#idHi[page]! * TWO_32 + this.#idLo[page]!;
  }

  /** Bytes of typed arrays held. */
  get bytes(): number {
    return this.#pages.bytes + this.#idLo.byteLength + this.#idHi.byteLength;
  }
}
