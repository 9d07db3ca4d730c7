import type { Cell } from '@hvsim/report';
import type { ExperimentFigure } from './experiment';
import type { MiniatureCheck } from './miniature-check';
import type { ScenarioSummary } from './scenario-run';

/** Table rows as both a terminal and a report page show them: a column per key, in order. */
export type ResultRow = Readonly<Record<string, Cell>>;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** A figure's number as a paper prints it: 3 significant digits, whole numbers from 1000 up. */
export const significant = (value: number) =>
  Math.abs(value) >= 1000 ? Math.round(value) : Number(value.toPrecision(3));

const percent = (error: number) => `${error >= 0 ? '+' : ''}${(100 * error).toFixed(1)}%`;

/** A run's VMs, a row each: ops, throughput and memory at the end. */
export function summaryRows(summary: ScenarioSummary): ResultRow[] {
  return summary.vms.map((vm) => ({
    vm: vm.name,
    on: vm.poweredOn ? 'yes' : 'no',
    ops: vm.ops,
    'throughput (ops/s)': Math.round(vm.throughput),
    'allocated MiB': round(vm.allocatedMiB),
    'swapped MiB': round(vm.swappedMiB),
    'shared MiB': round(vm.sharedMiB),
    'double paging (pages)': vm.doublePaging,
  }));
}

/** An experiment's figures, published beside simulated, with tolerance and verdict (`result`). */
export function figureRows(figures: readonly ExperimentFigure[]): ResultRow[] {
  return figures.map((f) => ({
    figure: f.label,
    unit: f.unit,
    published: significant(f.published),
    simulated: significant(f.simulated),
    tolerance:
      f.bound === 'above'
        ? `> ${significant(f.published)}`
        : f.bound === 'below'
          ? `≤ ${significant(f.published)}`
          : `± ${significant(f.tolerance)}`,
    result: f.pass ? 'pass' : 'FAIL',
  }));
}

/** A miniature check's figures: full, then each miniature's value and error (a miss marked ✗). */
export function miniatureRows(check: MiniatureCheck): ResultRow[] {
  return check.rows.map((row) => ({
    vm: row.vm,
    metric: `${row.metric} (${row.unit})`,
    full: significant(row.full),
    ...Object.fromEntries(
      row.miniatures.flatMap((m) => [
        [`R=${m.scale}`, significant(m.value)],
        [`error R=${m.scale}`, `${percent(m.error)}${m.pass ? '' : ' ✗'}`],
      ]),
    ),
  }));
}
