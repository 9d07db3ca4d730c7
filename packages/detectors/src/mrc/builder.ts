import { InvalidInputError, type MissRatioCurve } from '@hvsim/spec';

/**
 * What a trace-driven tool needs from an MRC builder, exact or sampled: feed it page ids (in batches, as a
 * trace reader delivers them) and read the curve at any point.
 */
export interface MissRatioCurveBuilder {
  /** References seen so far. */
  readonly references: number;
  /** One reference to page `id` (a whole number in [0, 2^31)). */
  access(id: number): void;
  /** The references `ids[start..end)`, in order. */
  accessAll(ids: Float64Array, start?: number, end?: number): void;
  /** The curve so far at `sizes` (positive, strictly increasing), or at a default spread of sizes. */
  curve(sizes?: ArrayLike<number>): MissRatioCurve;
}

/** Checks a batch's bounds: `start..end` within `ids`. */
export function checkRange(ids: ArrayLike<number>, start: number, end: number): void {
  if (!(Number.isInteger(start) && start >= 0 && start <= ids.length)) {
    throw new InvalidInputError('start', `expected a whole number in [0, ${ids.length}], got ${start}`);
  }
  if (!(Number.isInteger(end) && end >= start && end <= ids.length)) {
    throw new InvalidInputError('end', `expected a whole number in [${start}, ${ids.length}], got ${end}`);
  }
}
