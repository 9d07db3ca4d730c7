import { csvField, formatCsvNumber } from '@hvsim/report';
import { type SeedStats, seedStats } from './aggregate';

/** One run of a sweep: its point's values on each axis, its seed, its metrics or its error. */
export interface SweepRow {
  readonly values: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly hash: string;
  /** Each metric's value; NaN where the run has none (it failed, or lacks the VM). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly error?: string;
  /** Wall time of the run on the machine that ran it (absent for a run that has not finished). */
  readonly wallSeconds?: number;
}

/** One point across its seeds: each metric's statistics. */
export interface PointSummary {
  readonly values: Readonly<Record<string, unknown>>;
  readonly runs: number;
  readonly failed: number;
  readonly metrics: Readonly<Record<string, SeedStats>>;
}

/** An axis's value as a cell: text as it is, anything else as its JSON. */
export const valueText = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value);

/** A point in messages: each axis with its value, `host.memory=6MiB, policy=ESX`. */
export const pointName = (axes: readonly string[], values: Readonly<Record<string, unknown>>): string =>
  axes.map((axis) => `${axis}=${valueText(values[axis])}`).join(', ');

const line = (cells: readonly string[]): string => `${cells.map(csvField).join(',')}\n`;

/**
 * The runs as CSV, a row each in the sweep's order: each axis's value, the seed, every metric, the error if
 * any, and the hash. Wall time is left out (it is in results.json): these bytes are the same whichever
 * machines ran the sweep, and in whatever order.
 */
export function resultsCsv(
  axes: readonly string[],
  metrics: readonly string[],
  rows: readonly SweepRow[],
): string {
  return (
    line([...axes, 'seed', ...metrics, 'error', 'hash']) +
    rows
      .map((row) =>
        line([
          ...axes.map((p) => valueText(row.values[p])),
          String(row.seed),
          ...metrics.map((m) => formatCsvNumber(row.metrics[m] ?? Number.NaN)),
          row.error ?? '',
          row.hash,
        ]),
      )
      .join('')
  );
}

/** Groups runs by point (rows of one point are adjacent in the sweep's order) and aggregates each metric. */
export function summarize(
  axes: readonly string[],
  metrics: readonly string[],
  rows: readonly SweepRow[],
): PointSummary[] {
  const groups = new Map<string, SweepRow[]>();
  for (const row of rows) {
    const key = JSON.stringify(axes.map((p) => row.values[p]));
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((group) => ({
    values: group[0]!.values,
    runs: group.length,
    failed: group.filter((row) => row.error !== undefined).length,
    metrics: Object.fromEntries(
      metrics.map((m) => [m, seedStats(group.map((row) => row.metrics[m] ?? Number.NaN))]),
    ),
  }));
}

/** Per point across seeds as CSV: each axis's value, runs and failures, then each metric's statistics. */
export function summaryCsv(
  axes: readonly string[],
  metrics: readonly string[],
  points: readonly PointSummary[],
): string {
  const stats = ['n', 'mean', 'sd', 'ci95Low', 'ci95High'] as const;
  return (
    line([...axes, 'runs', 'failed', ...metrics.flatMap((m) => stats.map((s) => `${m}.${s}`))]) +
    points
      .map((point) =>
        line([
          ...axes.map((p) => valueText(point.values[p])),
          String(point.runs),
          String(point.failed),
          ...metrics.flatMap((m) => {
            const s = point.metrics[m]!;
            return [s.n, s.mean, s.sd, s.ciLow, s.ciHigh].map(formatCsvNumber);
          }),
        ]),
      )
      .join('')
  );
}
