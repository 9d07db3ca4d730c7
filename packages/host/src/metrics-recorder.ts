import type { MetricSeries, MetricsTable, SimTime } from '@hvsim/spec';

/** Columns of metric samples, grown by doubling: one row per sample time. */
export class MetricsRecorder {
  #times = new Float64Array(64);
  readonly #columns: { name: string; unit: string; vm: string | undefined; values: Float64Array }[] = [];
  readonly #index = new Map<string, number>();
  #rows = 0;

  /** Starts a row at `time`; `record` then fills it. */
  beginRow(time: SimTime): void {
    if (this.#rows === this.#times.length) this.#grow();
    this.#times[this.#rows++] = time;
  }

  /** Sets a series' value in the current row (a series first seen later reads 0 before). */
  record(name: string, unit: string, vm: string | undefined, value: number): void {
    const key = `${vm ?? ''}\u0000${name}`;
    let column = this.#index.get(key);
    if (column === undefined) {
      column = this.#columns.length;
      this.#index.set(key, column);
      this.#columns.push({ name, unit, vm, values: new Float64Array(this.#times.length) });
    }
    this.#columns[column]!.values[this.#rows - 1] = value;
  }

  table(): MetricsTable {
    const n = this.#rows;
    return {
      times: this.#times.slice(0, n),
      series: this.#columns.map(
        (c): MetricSeries => ({
          name: c.name,
          unit: c.unit,
          ...(c.vm === undefined ? {} : { vm: c.vm }),
          values: c.values.slice(0, n),
        }),
      ),
    };
  }

  #grow(): void {
    const size = this.#times.length * 2;
    const times = new Float64Array(size);
    times.set(this.#times);
    this.#times = times;
    for (const c of this.#columns) {
      const values = new Float64Array(size);
      values.set(c.values);
      c.values = values;
    }
  }
}
