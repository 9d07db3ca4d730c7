import type { Cell, HtmlReport, ReportBlock } from '@hvsim/report';
import type { SweepChart, SweepPlan } from '@hvsim/scenario';
import { sweepChart } from './sweep-chart';
import { type PointSummary, type SweepRow, valueText } from './sweep-table';

/** A number for a table: 4 significant digits, or empty for none. */
const cellNumber = (value: number): Cell => (Number.isFinite(value) ? Number(value.toPrecision(4)) : '');

/**
 * A sweep as an HTML report: each chart with its confidence bands, the points (each metric's mean and 95%
 * interval across seeds) and the runs, both sortable by any column.
 */
export function sweepReport(
  plan: SweepPlan,
  charts: readonly SweepChart[],
  metrics: readonly string[],
  rows: readonly SweepRow[],
  points: readonly PointSummary[],
  version: string,
): HtmlReport {
  const failed = rows.filter((row) => row.error !== undefined).length;
  const axisCells = (values: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(plan.axes.map((axis) => [axis, valueText(values[axis])]));
  const chartBlocks = charts.map(
    (chart, i): ReportBlock => ({
      kind: 'chart',
      name: `chart-${i + 1}`,
      spec: sweepChart(chart, plan.levels, points, plan.seeds.length),
    }),
  );
  return {
    title: plan.sweep.name ?? plan.source,
    kind: 'sweep',
    facts: [
      { label: 'points', value: String(points.length) },
      { label: 'seeds', value: plan.seeds.join(', ') },
      { label: 'runs', value: failed === 0 ? String(rows.length) : `${rows.length}, ${failed} failed` },
      ...(plan.sweep.scale === undefined ? [] : [{ label: 'miniature', value: `scale ${plan.sweep.scale}` }]),
      // The sweep's version is the one its runs' hashes take: `hvsim@<version>`.
      { label: 'hvsim', value: version.replace(/^hvsim@/, '') },
    ],
    sections: [
      { title: 'Charts', blocks: chartBlocks },
      {
        title: 'Points',
        blocks: [
          {
            kind: 'table',
            sortable: true,
            rows: points.map((point) => ({
              ...axisCells(point.values),
              runs: point.runs,
              failed: point.failed,
              ...Object.fromEntries(
                metrics.flatMap((m) => {
                  const s = point.metrics[m]!;
                  return [
                    [m, cellNumber(s.mean)],
                    [`${m} ±`, cellNumber((s.ciHigh - s.ciLow) / 2)],
                  ];
                }),
              ),
            })),
          },
          {
            kind: 'text',
            paragraphs: [
              'Each metric is the mean across seeds; ± is half its 95% confidence interval (Student’s t).',
            ],
          },
        ],
      },
      {
        title: 'Runs',
        blocks: [
          {
            kind: 'table',
            sortable: true,
            rows: rows.map((row) => ({
              ...axisCells(row.values),
              seed: row.seed,
              ...Object.fromEntries(metrics.map((m) => [m, cellNumber(row.metrics[m] ?? Number.NaN)])),
              ...(row.error === undefined ? {} : { error: row.error }),
            })),
          },
        ],
      },
    ],
  };
}
