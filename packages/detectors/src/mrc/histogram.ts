import { InvalidInputError, type MissRatioCurve } from '@hvsim/spec';

/** Default curve points per doubling of the size. */
const POINTS_PER_OCTAVE = 4;

/**
 * Weight of references by LRU stack distance, and the miss-ratio curve it implies: in a memory of s pages a
 * reference hits iff its distance is at most s (Mattson's inclusion property), so the miss ratio at s is the
 * weight above s, cold misses included, over the total.
 *
 * Distances are counted in steps of 1 / `resolution` pages: 1 for whole pages; SHARDS at rate R passes its
 * sampled distances, which stand for steps of 1/R pages, with resolution R, so its buckets stay as few as its
 * samples. Weights may be fractional and distances need not be whole (SHARDS fixed-size scales both); a
 * distance d counts in bucket ⌈d⌉, which keeps "d > s" exact for whole sizes s. `scale` is O(1): counts are
 * stored in a unit that scaling changes, because SHARDS fixed-size rescales every time it lowers its
 * threshold.
 */
export class StackDistanceHistogram {
  /** Distance steps per page. */
  readonly resolution: number;
  /** Per whole distance (index 0 unused): weight, in units of `#weightUnit`. */
  #counts = new Float64Array(1024);
  #cold = 0;
  #total = 0;
  #maxDistance = 0;
  /** Actual weight of one stored unit; `#perWeight` is its inverse, kept to add without dividing. */
  #weightUnit = 1;
  #perWeight = 1;

  constructor(resolution = 1) {
    if (!(resolution > 0 && resolution <= 1)) {
      throw new InvalidInputError(
        'resolution',
        `expected distance steps per page in (0, 1], got ${resolution}`,
      );
    }
    this.resolution = resolution;
  }

  /** Total weight added (scaled). */
  get total(): number {
    return this.#total * this.#weightUnit;
  }

  /** Weight of cold misses, the first references to an id (scaled). */
  get cold(): number {
    return this.#cold * this.#weightUnit;
  }

  /** The largest finite distance added so far, in steps (0 if none). */
  get maxDistance(): number {
    return this.#maxDistance;
  }

  /** The weight at whole distance `distance` (its bucket, in steps), scaled. */
  weightAt(distance: number): number {
    return distance >= 1 && distance < this.#counts.length ? this.#counts[distance]! * this.#weightUnit : 0;
  }

  /** Adds `weight` references at stack distance `distance` (≥ 1; Infinity for a cold miss). */
  add(distance: number, weight = 1): void {
    if (!(weight >= 0 && weight < Infinity)) {
      throw new InvalidInputError('weight', `expected a finite non-negative weight, got ${weight}`);
    }
    const w = weight * this.#perWeight;
    if (distance === Infinity) this.#cold += w;
    else {
      const bucket = this.#bucket(distance); // may grow the counts
      this.#counts[bucket]! += w;
    }
    this.#total += w;
  }

  /**
   * Adds `counts[d]` references at each whole distance d ≥ 1 (index 0 is ignored) and `cold` first
   * references: how the exact builder hands over its integer tally.
   */
  addCounts(counts: Float64Array, cold: number): void {
    let top = counts.length - 1;
    while (top > 0 && counts[top] === 0) top--;
    let added = 0;
    for (let d = 0; d <= top; d++) {
      const c = d === 0 ? cold : counts[d]!;
      if (!(c >= 0 && c < Infinity)) {
        throw new InvalidInputError('counts', `expected finite non-negative counts, got ${c}`);
      }
      if (d > 0) added += c;
    }
    if (top > 0) this.#bucket(top); // grows the counts to hold the largest distance
    const stored = this.#counts;
    const per = this.#perWeight;
    for (let d = 1; d <= top; d++) stored[d]! += counts[d]! * per;
    if (top > this.#maxDistance) this.#maxDistance = top;
    this.#cold += cold * per;
    this.#total += (added + cold) * per;
  }

  /** The bucket of a finite distance, growing the counts to hold it. */
  #bucket(distance: number): number {
    if (!(distance >= 1 && distance < Infinity)) {
      throw new InvalidInputError(
        'distance',
        `expected a distance of at least 1 or Infinity, got ${distance}`,
      );
    }
    const bucket = Math.ceil(distance);
    if (bucket >= this.#counts.length) {
      const grown = new Float64Array(Math.max(2 * this.#counts.length, bucket + 1));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    if (bucket > this.#maxDistance) this.#maxDistance = bucket;
    return bucket;
  }

  /** Multiplies every weight by `factor` (> 0). */
  scale(factor: number): void {
    if (!(factor > 0 && factor < Infinity)) {
      throw new InvalidInputError('factor', `expected a finite positive factor, got ${factor}`);
    }
    this.#weightUnit *= factor;
    this.#perWeight = 1 / this.#weightUnit;
  }

  /**
   * The miss-ratio curve at `sizes` (pages, positive, strictly increasing; by default about four points per
   * doubling up to the largest distance seen). `firstBucket` is extra weight, possibly negative, counted at
   * distance 1 (the first bucket): SHARDS-adj's correction. With no weight at all nothing misses, so the
   * curve is 0.
   */
  curve(sizes?: ArrayLike<number>, firstBucket = 0): MissRatioCurve {
    const max = this.#maxDistance;
    const points = sizes === undefined ? defaultSizes(this.#largestSize()) : checkSizes(sizes);
    const unit = this.#weightUnit;
    const counts = this.#counts;
    const total = this.#total * unit + firstBucket;
    const missRatios = new Float64Array(points.length);
    let hits = 0;
    let bucket = 0;
    for (let i = 0; i < points.length; i++) {
      const steps = Math.floor(points[i]! * this.resolution);
      const upTo = Math.min(steps, max);
      while (bucket < upTo) hits += counts[++bucket]! * unit;
      // A size below one step holds no distance, the first bucket's extra weight included.
      const held = steps >= 1 ? hits + firstBucket : 0;
      const miss = total > 0 ? (total - held) / total : 0;
      missRatios[i] = Math.min(Math.max(miss, 0), 1);
    }
    return { sizes: points, missRatios, references: this.total };
  }

  /** The smallest whole size, in pages, that holds every distance seen. */
  #largestSize(): number {
    const size = Math.ceil(this.#maxDistance / this.resolution);
    return Math.floor(size * this.resolution) < this.#maxDistance ? size + 1 : size;
  }
}

/**
 * 1, 2, …, then POINTS_PER_OCTAVE points per doubling, ending at `max` (or just 1 when no distance was seen).
 */
function defaultSizes(max: number): Float64Array {
  const sizes: number[] = [];
  for (let s = 1; s < max; ) {
    sizes.push(s);
    s += Math.max(1, 2 ** Math.floor(Math.log2(s)) / POINTS_PER_OCTAVE);
  }
  sizes.push(Math.max(1, max));
  return Float64Array.from(sizes);
}

function checkSizes(sizes: ArrayLike<number>): Float64Array {
  if (sizes.length === 0) throw new InvalidInputError('sizes', 'expected at least one size');
  const out = Float64Array.from(sizes);
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (!(s > 0 && s < Infinity)) {
      throw new InvalidInputError(`sizes[${i}]`, `expected a finite positive size, got ${s}`);
    }
    if (i > 0 && !(s > out[i - 1]!)) {
      throw new InvalidInputError(`sizes[${i}]`, 'expected sizes in strictly increasing order');
    }
  }
  return out;
}
