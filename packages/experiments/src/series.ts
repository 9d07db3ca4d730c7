import { type MetricsTable, parsePages, time } from '@hvsim/spec';

const PAGES_PER_MIB = parsePages('1MiB');

/**
 * A metric series of a run in MiB (it must be in pages), read at a minute of host time: the last sample at
 * or before it.
 */
export function seriesMiB(table: MetricsTable, name: string, vm?: string): (minute: number) => number {
  const series = find(table, name, vm);
  return (minute: number) => {
    const t = time.s(minute * 60);
    let row = 0;
    while (row + 1 < table.times.length && table.times[row + 1]! <= t) row++;
    return series.values[row]! / PAGES_PER_MIB;
  };
}

/** The mean of a metric series over the samples taken from minute `from` up to (not at) minute `to`. */
export function meanOver(table: MetricsTable, name: string, vm: string, from: number, to: number): number {
  const series = find(table, name, vm);
  const [start, end] = [time.min(from), time.min(to)];
  return mean(
    Array.from(series.values).filter((_, row) => table.times[row]! >= start && table.times[row]! < end),
  );
}

/** A metric series' values, one a sample. */
export const seriesValues = (table: MetricsTable, name: string, vm?: string): number[] =>
  Array.from(find(table, name, vm).values);

function find(table: MetricsTable, name: string, vm: string | undefined) {
  const series = table.series.find((s) => s.name === name && s.vm === vm);
  if (!series) throw new Error(`the run recorded no ${name} series${vm === undefined ? '' : ` for ${vm}`}`);
  return series;
}

export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** from, from + step, … up to and including `to` (within rounding). */
export const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step + 1e-9) + 1 }, (_, i) => from + i * step);
