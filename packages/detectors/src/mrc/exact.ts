import type { MissRatioCurve } from '@hvsim/spec';
import type { MissRatioCurveBuilder } from './builder';
import { StackDistanceHistogram } from './histogram';
import { assertIds, StackDistances, type StackDistancesOptions } from './stack-distances';

const BATCH = 4096;

/** The exact LRU miss-ratio curve of a reference stream: every reference's stack distance, O(log n) each. */
export class ExactMrc implements MissRatioCurveBuilder {
  readonly stack: StackDistances;
  readonly histogram = new StackDistanceHistogram();
  /** A batch's distances, between the stack and the histogram. */
  readonly #distances = new Float64Array(BATCH);

  constructor(options: StackDistancesOptions = {}) {
    this.stack = new StackDistances(options);
  }

  /** Every reference adds weight 1, so the total weight counts them. */
  get references(): number {
    return this.histogram.total;
  }

  access(id: number): void {
    this.histogram.add(this.stack.access(id));
  }

  /** A batch with a bad id changes nothing. */
  accessAll(ids: Float64Array, start = 0, end = ids.length): void {
    assertIds(ids, start, end);
    const distances = this.#distances;
    for (let from = start; from < end; from += distances.length) {
      const to = Math.min(end, from + distances.length);
      this.stack.accessAll(ids, from, to, distances);
      this.histogram.addAll(distances, 0, to - from);
    }
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
