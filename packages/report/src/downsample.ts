import { InvalidInputError } from '@hvsim/spec';

/** Series of one metrics table cut down for display: shared sample times and a column of values per series. */
export interface DisplayColumns {
  /** Indices into the table's sample times, ascending; one per display row. */
  readonly rows: readonly number[];
  /** Per series, its value at each display row. */
  readonly values: readonly (readonly number[])[];
}

/**
 * Cuts series sampled at the same times down to at most `maxPoints` rows for display, keeping every peak and
 * trough: the samples are cut into `maxPoints / 2` runs of consecutive samples, and each series keeps its
 * smallest and largest value of a run, in the order they came, at the run's first and last sample time.
 * A drawn line then reaches the same heights as the full one, its turning points moved by less than a run
 * (a pixel or two on a chart), and every series keeps the same sample times, so a chart can show them all
 * at the time under the pointer. With no more than `maxPoints` samples nothing is cut. `NaN` counts as
 * neither smallest nor largest; a run of nothing else stays `NaN`.
 */
export function downsampleColumns(values: readonly ArrayLike<number>[], maxPoints: number): DisplayColumns {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new InvalidInputError('maxPoints', `expected a whole number of points from 2 up, got ${maxPoints}`);
  }
  const length = values[0]?.length ?? 0;
  if (length <= maxPoints) {
    return { rows: Array.from({ length }, (_, i) => i), values: values.map((v) => Array.from(v)) };
  }
  const runs = Math.floor(maxPoints / 2);
  const rows: number[] = [];
  for (let run = 0; run < runs; run++) {
    const first = Math.floor((run * length) / runs);
    const end = Math.floor(((run + 1) * length) / runs);
    rows.push(first);
    if (end - 1 > first) rows.push(end - 1);
  }
  const columns = values.map((series) => {
    const column: number[] = [];
    for (let run = 0; run < runs; run++) {
      const first = Math.floor((run * length) / runs);
      const end = Math.floor(((run + 1) * length) / runs);
      let low = first;
      let high = first;
      for (let i = first; i < end; i++) {
        const value = series[i]!;
        if (Number.isNaN(value)) continue;
        if (Number.isNaN(series[low]!) || value < series[low]!) low = i;
        if (Number.isNaN(series[high]!) || value > series[high]!) high = i;
      }
      if (end - 1 === first) column.push(series[first]!);
      else if (low <= high) column.push(series[low]!, series[high]!);
      else column.push(series[high]!, series[low]!);
    }
    return column;
  });
  return { rows, values: columns };
}
