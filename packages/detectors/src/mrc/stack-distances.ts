import { InvalidInputError } from '@hvsim/spec';
import { checkRange } from './builder';
import type { DistanceCounts } from './distance-counts';

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_FLOATS = new Float64Array(0);

export interface StackDistancesOptions {
  /**
   * Recency positions (and id slots) to start with, default 1024. Both grow as needed; positions are kept at
   * about twice the distinct ids, never below this.
   */
  readonly initialCapacity?: number;
}

/** Ids index typed arrays: whole numbers in [0, 2^31). */
export function assertId(id: number, index?: number): void {
  if ((id | 0) !== id || id < 0) {
    const at = index === undefined ? '' : ` at index ${index}`;
    throw new InvalidInputError('id', `expected a whole number in [0, 2^31), got ${id}${at}`);
  }
}

/** Checks a batch of ids up front, so a batch with a bad id is refused whole instead of stopping halfway. */
export function assertIds(ids: Float64Array, start: number, end: number): void {
  checkRange(ids, start, end);
  for (let i = start; i < end; i++) {
    const id = ids[i]!;
    if ((id | 0) !== id || id < 0) assertId(id, i);
  }
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Exact LRU stack distances (Mattson et al. 1970) in O(log n) per reference, after Bennett and Kruskal: every
 * reference takes the next recency position, each distinct id keeps one mark at the position of its latest
 * reference, and counting the marks after an id's previous position gives the distinct ids referenced since,
 * so its distance is that count + 1 (1: it was the most recently used).
 *
 * The marks are a bitset, and a Fenwick tree counts them per 32-position word: a bit per position and a word
 * per 32, small enough to stay in the CPU caches, where a tree of counters per position would miss the cache
 * at every level. The word being filled (the open word) stays out of the tree until it is full, so a new mark
 * costs no tree walk; a reference costs a popcount and two walks of about half the tree's height.
 *
 * Ids are dense non-negative integers (trace readers number pages 0, 1, 2, …) indexing a table of latest
 * positions that grows to the largest id seen. When positions run out the live marks are renumbered 0..k−1 in
 * order, so memory follows the ids, not the trace length. Nothing is allocated per reference.
 */
export class StackDistances {
  readonly #initialCapacity: number;
  /** Per id: the position of its latest reference, −1 when absent. */
  #last: Int32Array;
  /** Bit p & 31 of word p >> 5: position p holds a mark (the latest reference of some id). */
  #bits: Int32Array;
  /**
   * Fenwick tree over the closed words (those below the open one), 1-based: node i counts words [i −
   * lowbit(i), i).
   */
  #tree: Int32Array;
  /** Positions: 32 per word. */
  #capacity: number;
  /** The next free position; its word is the open one. */
  #next = 0;
  /** Marks in the open word. */
  #open = 0;
  #distinct = 0;
  /** In and out of `access`, which runs the batch loop on one reference. */
  readonly #one = new Float64Array(1);

  constructor(options: StackDistancesOptions = {}) {
    const initial = options.initialCapacity ?? 1024;
    if (!(Number.isSafeInteger(initial) && initial >= 1 && initial < 2 ** 30)) {
      throw new InvalidInputError('initialCapacity', `expected a whole number in [1, 2^30), got ${initial}`);
    }
    this.#initialCapacity = initial;
    this.#last = new Int32Array(initial).fill(-1);
    const words = Math.ceil(initial / 32);
    this.#capacity = 32 * words;
    this.#bits = new Int32Array(words);
    this.#tree = new Int32Array(words + 1);
  }

  /** Ids currently in the stack: referenced and not removed since. */
  get distinct(): number {
    return this.#distinct;
  }

  /** Whether `id` is in the stack. */
  has(id: number): boolean {
    assertId(id);
    return id < this.#last.length && this.#last[id]! >= 0;
  }

  /**
   * References `id`: returns its stack distance (1 = most recently used), or Infinity on its first reference.
   */
  access(id: number): number {
    assertId(id);
    const one = this.#one;
    one[0] = id;
    this.#run(one, 0, 1, one, 0);
    return one[0]!;
  }

  /**
   * References `ids[start..end)` in order, writing each one's distance (as `access` returns it) to `out`,
   * from `outStart` on. One loop over locals: the per-reference path the MRC builders run. A batch with a bad
   * id changes nothing.
   */
  accessAll(ids: Float64Array, start: number, end: number, out: Float64Array, outStart = 0): void {
    assertIds(ids, start, end);
    if (!(Number.isInteger(outStart) && outStart >= 0 && outStart + (end - start) <= out.length)) {
      throw new InvalidInputError('out', `expected room for ${end - start} distances from ${outStart}`);
    }
    this.#run(ids, start, end, out, outStart);
  }

  /**
   * References `ids[start..end)` as `accessAll` does, counting their distances straight into `tally` instead
   * of writing them out: the exact builder's path. A batch with a bad id changes nothing.
   */
  countAll(ids: Float64Array, start: number, end: number, tally: DistanceCounts): void {
    assertIds(ids, start, end);
    tally.reserve(this.#distinct + (end - start)); // no distance can exceed the ids then in the stack
    const cold = this.#run(ids, start, end, undefined, 0, tally.low, tally.high);
    tally.counted(end - start - cold, cold);
  }

  /**
   * The loop of `accessAll` and `countAll`, on checked arguments: each distance goes to `out`, or with no
   * `out` is counted in `low` (wrapping at 256) and `high` (the carries). Returns the first references.
   */
  #run(
    ids: Float64Array,
    start: number,
    end: number,
    out: Float64Array | undefined,
    outStart: number,
    low: Uint8Array = EMPTY_BYTES,
    high: Float64Array = EMPTY_FLOATS,
  ): number {
    let cold = 0;
    let last = this.#last;
    let bits = this.#bits;
    let tree = this.#tree;
    let words = tree.length - 1;
    let capacity = this.#capacity;
    let next = this.#next;
    let open = this.#open;
    let distinct = this.#distinct;
    let o = outStart;
    // Each reference's latest position is loaded one reference ahead, so that load (a likely cache miss in a
    // large id table) overlaps the tree walks of the reference before.
    let ahead = start < end && ids[start]! < last.length ? last[ids[start]!]! : -1;
    for (let k = start; k < end; k++) {
      const id = ids[k]!;
      if (id >= last.length || next === capacity) {
        this.#next = next;
        this.#open = open;
        this.#distinct = distinct;
        if (id >= last.length) this.#growIds(id);
        if (next === capacity) this.#compact();
        last = this.#last;
        bits = this.#bits;
        tree = this.#tree;
        words = tree.length - 1;
        capacity = this.#capacity;
        next = this.#next;
        open = this.#open;
        ahead = last[id]!;
      }
      const t = next++;
      const wt = t >> 5;
      const prev = ahead;
      last[id] = t;
      if (k + 1 < end) {
        const following = ids[k + 1]!;
        ahead = following < last.length ? last[following]! : -1;
      }
      bits[wt]! |= 1 << (t & 31);
      if (prev < 0) {
        distinct++;
        open++;
        if (out) out[o++] = Infinity;
        else cold++;
      } else {
        // Marks up to prev: those of its word up to it, and of the words before it from the tree.
        const wp = prev >> 5;
        let upTo = popcount(bits[wp]! & ((2 << (prev & 31)) - 1));
        for (let i = wp; i > 0; i &= i - 1) upTo += tree[i]!;
        const d = distinct - upTo + 1;
        if (out) out[o++] = d;
        else {
          const count = low[d]! + 1;
          low[d] = count; // 256 wraps to 0…
          if (count === 256) high[d]!++; // …and carries
        }
        // The mark moves to t, in the open word: only one leaving a closed word changes the tree.
        bits[wp]! ^= 1 << (prev & 31);
        if (wp !== wt) {
          for (let i = wp + 1; i <= words; i += i & -i) tree[i]!--;
          open++;
        }
      }
      if ((t & 31) === 31) {
        // The open word is full: it closes into the tree and the next one opens, empty.
        for (let i = wt + 1; i <= words; i += i & -i) tree[i]! += open;
        open = 0;
      }
    }
    this.#next = next;
    this.#open = open;
    this.#distinct = distinct;
    return cold;
  }

  /** Forgets `id` (as if it had never been referenced); returns whether it was in the stack. */
  remove(id: number): boolean {
    assertId(id);
    if (id >= this.#last.length) return false;
    const prev = this.#last[id]!;
    if (prev < 0) return false;
    this.#last[id] = -1;
    const wp = prev >> 5;
    this.#bits[wp]! ^= 1 << (prev & 31);
    this.#distinct--;
    if (wp === this.#next >> 5) {
      this.#open--;
    } else {
      const tree = this.#tree;
      for (let i = wp + 1; i < tree.length; i += i & -i) tree[i]!--;
    }
    return true;
  }

  #growIds(id: number): void {
    const grown = new Int32Array(Math.max(2 * this.#last.length, id + 1)).fill(-1);
    grown.set(this.#last);
    this.#last = grown;
  }

  /**
   * Renumbers the live marks 0..k−1 in recency order, in O(ids + positions / 32): an id's new position is the
   * rank of its mark, from a running count per word and a popcount. Capacity becomes about twice the distinct
   * ids and at least the id table (positions cost a bit each), never below the initial one, so at least half
   * the positions are free afterwards and the renumbering amortises to O(1) per reference.
   */
  #compact(): void {
    const k = this.#distinct;
    const last = this.#last;
    const bits = this.#bits;
    const before = new Int32Array(bits.length);
    for (let w = 0, running = 0; w < bits.length; w++) {
      before[w] = running;
      running += popcount(bits[w]!);
    }
    for (let id = 0; id < last.length; id++) {
      const p = last[id]!;
      if (p >= 0) last[id] = before[p >> 5]! + popcount(bits[p >> 5]! & ((1 << (p & 31)) - 1));
    }
    const old = bits.length;
    const target = Math.ceil(Math.max(this.#initialCapacity, 2 * k, last.length) / 32);
    // Reallocate only when growing or far too big, so a steady number of ids compacts in place.
    const words = target > old || 2 * target < old ? target : old;
    if (words !== old) {
      this.#bits = new Int32Array(words);
      this.#tree = new Int32Array(words + 1);
    }
    const closed = k >> 5;
    this.#bits.fill(-1, 0, closed).fill(0, closed);
    if (k & 31) this.#bits[closed] = (1 << (k & 31)) - 1;
    // Node i covers words [i − lowbit(i), i) (0-based), full up to the open word.
    const tree = this.#tree;
    for (let i = 1; i <= words; i++) tree[i] = 32 * (Math.min(i, closed) - Math.min(i - (i & -i), closed));
    this.#capacity = 32 * words;
    this.#next = k;
    this.#open = k & 31;
  }
}
