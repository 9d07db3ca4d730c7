import type { SimTime } from './units';

/** One recorded quantity over simulated time: one value per sample time of its table. */
export interface MetricSeries {
  /** What is measured, kebab-case: `allocated`, `active-estimate`, `throughput`, `free`. */
  readonly name: string;
  /** Unit of the values: `pages`, `ops/s`, `faults/s`, … */
  readonly unit: string;
  /** The VM it belongs to (its name), or undefined for a host-wide series. */
  readonly vm?: string;
  readonly values: Float64Array;
}

/** Metrics of a run as columns: sample times (host simulated time) and one series per quantity. */
export interface MetricsTable {
  readonly times: Float64Array;
  readonly series: readonly MetricSeries[];
  /** A miniature's scale R (above 1), whose values are scaled back to the full host's; absent at full size. */
  readonly scale?: number;
}

/** The end of a metrics table's time axis, for reports. */
export const metricsEnd = (table: MetricsTable): SimTime => table.times[table.times.length - 1] ?? 0;
