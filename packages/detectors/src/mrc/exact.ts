import type { MissRatioCurve } from '@hvsim/spec';
import type { MissRatioCurveBuilder } from './builder';
import { DistanceCounts } from './distance-counts';
import { StackDistanceHistogram } from './histogram';
import { StackDistances, type StackDistancesOptions } from './stack-distances';

/**
 * The exact LRU miss-ratio curve of a reference stream: every reference's stack distance, O(log n) each,
 * tallied as integers as it is found and handed to the histogram when that is read.
 */
export class ExactMrc implements MissRatioCurveBuilder {
  readonly stack: StackDistances;
  readonly #histogram = new StackDistanceHistogram();
  readonly #counts = new DistanceCounts();
  readonly #one = new Float64Array(1);
  #references = 0;

  constructor(options: StackDistancesOptions = {}) {
    this.stack = new StackDistances(options);
  }

  get references(): number {
    return this.#references;
  }

  /** The stack-distance histogram so far (every reference weighs 1). */
  get histogram(): StackDistanceHistogram {
    const { counts, cold } = this.#counts.take();
    this.#histogram.addCounts(counts, cold);
    return this.#histogram;
  }

  access(id: number): void {
    this.#one[0] = id;
    this.accessAll(this.#one);
  }

  /** A batch with a bad id changes nothing. */
  accessAll(ids: Float64Array, start = 0, end = ids.length): void {
    this.stack.countAll(ids, start, end, this.#counts);
    this.#references += end - start;
  }

  curve(sizes?: ArrayLike<number>): MissRatioCurve {
    return this.histogram.curve(sizes);
  }
}

/** The exact LRU miss-ratio curve of `ids` at `sizes` (default: a spread up to the largest distance). */
export function exactMissRatioCurve(
  ids: Iterable<number> | ArrayLike<number>,
  sizes?: ArrayLike<number>,
): MissRatioCurve {
  const mrc = new ExactMrc();
  if (Symbol.iterator in ids) for (const id of ids) mrc.access(id);
  else for (let i = 0; i < ids.length; i++) mrc.access(ids[i]!);
  return mrc.curve(sizes);
}
