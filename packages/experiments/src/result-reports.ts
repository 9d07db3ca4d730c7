import { comparisonChart, type HtmlReport } from '@hvsim/report';
import type { MiniatureCheck } from './miniature-check';
import { miniatureChart } from './miniature-check';
import { figureRows, miniatureRows } from './result-tables';
import type { ExperimentResult } from './run-experiment';

/** A share as a percentage, without floating point's noise: 100 × 0.07 is 7.000000000000001. */
const percent = (share: number) => Number((100 * share).toPrecision(12));

const verdict = (passed: number, total: number) =>
  passed === total ? `all ${total} figures pass` : `${passed} of ${total} figures pass`;

/** A reproduction as an HTML report: the chart with the published points over the simulated series, and the figures. */
export function reproductionReport(
  result: ExperimentResult,
  options: { readonly version: string; readonly seed?: number },
): HtmlReport {
  const passed = result.figures.filter((f) => f.pass).length;
  return {
    title: result.title,
    kind: 'reproduction',
    facts: [
      { label: 'experiment', value: result.name },
      { label: 'seed', value: options.seed === undefined ? "the experiment's own" : String(options.seed) },
      { label: 'result', value: verdict(passed, result.figures.length) },
      { label: 'hvsim', value: options.version },
    ],
    sections: [
      {
        title: 'Figures',
        blocks: [{ kind: 'table', rows: figureRows(result.figures), verdict: 'result', sortable: true }],
      },
      {
        title: 'Chart',
        blocks: [
          {
            kind: 'chart',
            name: 'comparison',
            spec: comparisonChart(result.series, { ...result.chartOptions, interactive: true }),
            caption: 'Lines are simulated; filled points are the values published in the paper.',
          },
        ],
      },
      ...(result.measurements === undefined || result.measurements.length === 0
        ? []
        : [
            {
              title: 'Measurements',
              blocks: [{ kind: 'table' as const, rows: result.measurements, sortable: true }],
            },
          ]),
    ],
  };
}

/** A miniature check as an HTML report: each figure in full and per miniature, its error, and the speed-ups. */
export function miniatureCheckReport(
  check: MiniatureCheck,
  options: { readonly version: string },
): HtmlReport {
  const misses = check.rows.flatMap((row) => row.miniatures.filter((m) => !m.pass)).length;
  return {
    title: check.scenario,
    kind: 'miniature check',
    facts: [
      { label: check.seeds.length === 1 ? 'seed' : 'seeds', value: check.seeds.join(', ') },
      { label: 'scales', value: check.speed.map((s) => String(s.scale)).join(', ') },
      {
        label: 'result',
        value: check.pass
          ? 'every figure within its tolerance'
          : `${misses} figure${misses === 1 ? '' : 's'} outside`,
      },
      { label: 'hvsim', value: options.version },
    ],
    sections: [
      {
        title: 'Errors',
        blocks: [
          {
            kind: 'chart',
            name: 'errors',
            spec: miniatureChart(check),
            caption: `Tolerances: memory ${percent(check.tolerances.memory)}% of the VM's configured memory, throughput ${percent(check.tolerances.throughput)}% of the full run's.`,
          },
        ],
      },
      { title: 'Figures', blocks: [{ kind: 'table', rows: miniatureRows(check), sortable: true }] },
      {
        title: 'Speed',
        blocks: [
          {
            kind: 'table',
            rows: check.speed.map((s) => ({
              scale: s.scale === 1 ? 'full' : `R=${s.scale}`,
              'wall seconds per run': Number(s.wallSeconds.toFixed(2)),
              'speed-up': Number(s.speedup.toFixed(1)),
            })),
          },
        ],
      },
    ],
  };
}
