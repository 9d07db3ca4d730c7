import { type MetricsTable, parsePages, time } from '@hvsim/spec';

const PAGES_PER_MIB = parsePages('1MiB');

/**
 * A metric series of a run in MiB (it must be in pages), read at a minute of host time: the last sample at
 * or before it.
 */
export function seriesMiB(table: MetricsTable, name: string, vm?: string): (minute: number) => number {
  const series = table.series.find((s) => s.name === name && s.vm === vm);
  if (!series) throw new Error(`the run recorded no ${name} series${vm === undefined ? '' : ` for ${vm}`}`);
  return (minute: number) => {
    const t = time.s(minute * 60);
    let row = 0;
    while (row + 1 < table.times.length && table.times[row + 1]! <= t) row++;
    return series.values[row]! / PAGES_PER_MIB;
  };
}

export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** from, from + step, … up to and including `to` (within rounding). */
export const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step + 1e-9) + 1 }, (_, i) => from + i * step);
