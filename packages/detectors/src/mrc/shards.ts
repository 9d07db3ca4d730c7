import { InvalidInputError, type MissRatioCurve } from '@hvsim/spec';
import { checkRange, type MissRatioCurveBuilder } from './builder';
import { StackDistanceHistogram } from './histogram';
import { idHash } from './id-hash';
import { IdSlots } from './id-slots';
import { assertId, StackDistances } from './stack-distances';

/** The hash modulus P of the paper's implementations: an id is sampled iff hash(id) mod P < T. */
const MODULUS = 2 ** 24;
const KEY_MASK = MODULUS - 1;
/** The largest id (2^31 − 1), checked inline on the hot path. */
const MAX_ID = 0x7fffffff;

interface ShardsCommonOptions {
  /**
   * SHARDS-adj (default true): before the curve is read, the difference between the expected sampled
   * references, N·R, and the sampled weight is counted in the histogram's first bucket. A few very hot ids
   * falling in or out of the sample move the sampled count far from N·R; this corrects most of that bias.
   */
  readonly adjust?: boolean;
}

/** SHARDS at a fixed sampling rate. */
export interface ShardsFixedRateOptions extends ShardsCommonOptions {
  /**
   * Sampling rate R in (0, 1]; the threshold T is R·2^24 rounded (at least 1), so the rate in effect is
   * T/2^24.
   */
  readonly rate: number;
}

/** SHARDS in bounded memory: the rate starts at `initialRate` and falls to keep at most `maxSamples` ids. */
export interface ShardsFixedSizeOptions extends ShardsCommonOptions {
  /** s_max, the most sampled ids kept: a positive whole number. */
  readonly maxSamples: number;
  /** The rate before the first eviction, in (0, 1] (default 1: every id until s_max are seen). */
  readonly initialRate?: number;
}

export type ShardsOptions = ShardsFixedRateOptions | ShardsFixedSizeOptions;

function threshold(rate: unknown, field: string): number {
  if (!(typeof rate === 'number' && rate > 0 && rate <= 1)) {
    throw new InvalidInputError(field, `expected a sampling rate in (0, 1], got ${String(rate)}`);
  }
  return Math.max(1, Math.round(rate * MODULUS));
}

/**
 * Approximate miss-ratio curves by spatial sampling, SHARDS (Waldspurger, Park, Garthwaite and Ahmad, FAST
 * '15): an id is sampled iff hash(id) mod 2^24 < T, so every reference to a sampled id is seen and its stack
 * distance among the sampled ids, d, estimates a distance of d / R among all ids, R = T / 2^24. Exact stack
 * distances of the sample cost O(log n) each, but only a fraction R of the references pay it; the rest cost
 * one hash.
 *
 * The fixed-size variant keeps the sampled ids in a max-heap by hash; when there are more than s_max, it
 * evicts the ids with the largest hash, lowers T to that hash and rescales the histogram by R_new / R_old, so
 * earlier samples weigh as if taken at the new rate.
 *
 * The paper defines SHARDS-adj for a fixed rate. Since the rescaled histogram estimates the references
 * sampled at the current rate R, whose expectation is N·R, the same correction applies to the fixed-size
 * variant; on Zipf traces of 1 M references it cut that variant's mean absolute error (8 Ki samples) from
 * 0.005–0.039 to at most 0.006.
 */
export class Shards implements MissRatioCurveBuilder {
  /** The sampled ids' slots, the ids the stack sees: dense, so the stack's tables follow the sample. */
  readonly #slots = new IdSlots();
  readonly #stack: StackDistances;
  readonly #histogram: StackDistanceHistogram;
  readonly #adjust: boolean;
  /** T: ids whose key (hash mod 2^24) is below it are sampled. */
  #threshold: number;
  /**
   * From a sampled distance to the histogram's: 1 at a fixed rate, whose histogram counts in steps of 1/R
   * pages; 1/R in the fixed-size variant, whose R changes, so its histogram counts pages.
   */
  #scale: number;
  #references = 0;
  #sampled = 0;
  /** Fixed size only: s_max, and a binary max-heap of the sampled ids by key (parallel arrays). */
  readonly #maxSamples: number;
  readonly #heapKeys: Int32Array;
  readonly #heapIds: Int32Array;
  #heapSize = 0;
  /** A batch's sampled references (their ids), between the two passes of `accessAll`. */
  #sampledIds = new Int32Array(1024);

  constructor(options: ShardsOptions) {
    if ('maxSamples' in options) {
      const max = options.maxSamples;
      if (!(Number.isSafeInteger(max) && max >= 1 && max < 2 ** 29)) {
        throw new InvalidInputError('maxSamples', `expected a whole number in [1, 2^29), got ${max}`);
      }
      this.#maxSamples = max;
      this.#threshold = threshold(options.initialRate ?? 1, 'initialRate');
      this.#heapKeys = new Int32Array(max + 1);
      this.#heapIds = new Int32Array(max + 1);
      this.#stack = new StackDistances({ initialCapacity: 2 * max + 2 });
      this.#histogram = new StackDistanceHistogram();
      this.#scale = MODULUS / this.#threshold;
    } else {
      this.#threshold = threshold(options.rate, 'rate');
      this.#maxSamples = Infinity;
      this.#heapKeys = this.#heapIds = new Int32Array(0);
      this.#stack = new StackDistances();
      this.#histogram = new StackDistanceHistogram(this.rate);
      this.#scale = 1;
    }
    this.#adjust = options.adjust ?? true;
  }

  /** The sampling rate R = T / 2^24 in effect now. */
  get rate(): number {
    return this.#threshold / MODULUS;
  }

  /** References seen, sampled or not. */
  get references(): number {
    return this.#references;
  }

  /** References to sampled ids (at the rate in effect when each was seen). */
  get sampledReferences(): number {
    return this.#sampled;
  }

  /** Sampled ids tracked now (at most s_max in the fixed-size variant). */
  get samples(): number {
    return this.#stack.distinct;
  }

  access(id: number): void {
    assertId(id);
    this.#references++;
    const key = idHash(id) & KEY_MASK;
    if (key < this.#threshold) this.#sample(id, key);
  }

  /**
   * A batch with a bad id changes nothing: a first pass checks and hashes every id, keeping the sampled ones
   * (a tight loop without calls); a second pass runs those through the stack.
   */
  accessAll(ids: Float64Array, start = 0, end = ids.length): void {
    checkRange(ids, start, end);
    let sampled: Int32Array = this.#sampledIds;
    let n = 0;
    const threshold = this.#threshold;
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      const lo = id >>> 0;
      if (lo !== id || lo > MAX_ID) assertId(id, i);
      if ((idHash(lo) & KEY_MASK) < threshold) {
        if (n === sampled.length) sampled = this.#growSampled();
        sampled[n++] = lo;
      }
    }
    for (let k = 0; k < n; k++) {
      const id = sampled[k]!;
      const key = idHash(id) & KEY_MASK;
      // The fixed-size variant may have lowered the threshold since the first pass.
      if (key < this.#threshold) this.#sample(id, key);
    }
    this.#references += end - start;
  }

  curve(sizes?: ArrayLike<number>): MissRatioCurve {
    const adjustment = this.#adjust ? this.#references * this.rate - this.#histogram.total : 0;
    const { sizes: points, missRatios } = this.#histogram.curve(sizes, adjustment);
    return { sizes: points, missRatios, references: this.#references };
  }

  #sample(id: number, key: number): void {
    this.#sampled++;
    const slot = this.#slots.get(id);
    // A new id gets a slot the stack has never seen or has forgotten, so its distance is Infinity.
    const distance = this.#stack.access(slot < 0 ? this.#slots.add(id) : slot);
    if (distance !== Infinity) {
      this.#histogram.add(distance * this.#scale);
      return;
    }
    this.#histogram.add(Infinity);
    if (this.#maxSamples !== Infinity) this.#admit(id, key);
  }

  #growSampled(): Int32Array {
    const grown = new Int32Array(2 * this.#sampledIds.length);
    grown.set(this.#sampledIds);
    this.#sampledIds = grown;
    return grown;
  }

  /** Fixed size: heaps a newly sampled id, evicting the largest keys when there are more than s_max. */
  #admit(id: number, key: number): void {
    const keys = this.#heapKeys;
    const ids = this.#heapIds;
    let i = this.#heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! >= key) break;
      keys[i] = keys[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
    if (this.#heapSize <= this.#maxSamples) return;
    // Lowering T to the largest key drops every id with that key, the newcomer perhaps among them.
    const top = keys[0]!;
    if (top === 0) {
      throw new InvalidInputError(
        'maxSamples',
        `more than ${this.#maxSamples} sampled ids share the smallest hash key; expected a larger maxSamples`,
      );
    }
    while (this.#heapSize > 0 && keys[0] === top) this.#stack.remove(this.#slots.delete(this.#popMax()));
    const old = this.#threshold;
    this.#threshold = top;
    this.#scale = MODULUS / top;
    this.#histogram.scale(top / old);
  }

  /** Removes and returns the id with the largest key. */
  #popMax(): number {
    const keys = this.#heapKeys;
    const ids = this.#heapIds;
    const popped = ids[0]!;
    const n = --this.#heapSize;
    const key = keys[n]!;
    const id = ids[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1]! > keys[child]!) child++;
      if (keys[child]! <= key) break;
      keys[i] = keys[child]!;
      ids[i] = ids[child]!;
      i = child;
    }
    keys[i] = key;
    ids[i] = id;
    return popped;
  }
}
