import { type ChartSpec, VEGA_LITE_SCHEMA } from '@hvsim/report';
import type { SweepChart } from '@hvsim/scenario';
import { type PointSummary, valueText } from './sweep-table';

/** A value vega-lite can plot: NaN and infinities are no value. */
const plotted = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * A sweep's chart: the metric's mean across seeds against one of the sweep's axes, with its 95% confidence
 * interval as a band. There is a line per combination of the other axes' values (the colour axis's first), so
 * no line mixes points. An x axis of numbers is quantitative; one of anything else keeps the sweep's order.
 */
export function sweepChart(
  chart: SweepChart,
  levels: Readonly<Record<string, readonly unknown[]>>,
  points: readonly PointSummary[],
  seeds: number,
): ChartSpec {
  const xValues = levels[chart.x]!;
  const numeric = xValues.every((v) => typeof v === 'number');
  const others = Object.keys(levels).filter((p) => p !== chart.x && p !== chart.color);
  const lineBy = chart.color === undefined ? others : [chart.color, ...others];
  const lineOf = (values: Readonly<Record<string, unknown>>): string =>
    lineBy.map((p) => (p === chart.color ? valueText(values[p]) : `${p}=${valueText(values[p])}`)).join(', ');
  const values = points.map((point) => {
    const stats = point.metrics[chart.y]!;
    return {
      x: numeric ? point.values[chart.x] : valueText(point.values[chart.x]),
      line: lineOf(point.values),
      mean: plotted(stats.mean),
      low: plotted(stats.ciLow),
      high: plotted(stats.ciHigh),
    };
  });
  const lines = [...new Set(values.map((value) => value.line))];
  const x = numeric
    ? { field: 'x', type: 'quantitative' as const, title: chart.x, scale: { nice: false, zero: false } }
    : {
        field: 'x',
        type: 'ordinal' as const,
        title: chart.x,
        sort: xValues.map(valueText),
        axis: { labelAngle: 0 },
      };
  const color =
    lineBy.length === 0
      ? {}
      : {
          color: {
            field: 'line',
            type: 'nominal' as const,
            title: lineBy.join(', '),
            sort: lines,
            legend: { labelLimit: 0, symbolOpacity: 1 },
          },
        };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: chart.title ?? `${chart.y} by ${chart.x}`,
      subtitle: `mean of ${seeds} seed${seeds === 1 ? '' : 's'}${seeds > 1 ? ', with its 95% confidence interval' : ''}`,
    },
    width: 640,
    height: 320,
    background: 'white',
    data: { values },
    encoding: { x, ...color },
    layer: [
      {
        mark: { type: 'errorband', opacity: 0.2 },
        encoding: { y: { field: 'low', type: 'quantitative', title: chart.y }, y2: { field: 'high' } },
      },
      {
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: chart.y },
          // On a page, a point's values: the mean and its interval.
          tooltip: [
            ...(lineBy.length === 0
              ? []
              : [{ field: 'line', type: 'nominal' as const, title: lineBy.join(', ') }]),
            { field: 'x', type: numeric ? ('quantitative' as const) : ('ordinal' as const), title: chart.x },
            { field: 'mean', type: 'quantitative' as const, title: `${chart.y} (mean)`, format: ',.4~r' },
            { field: 'low', type: 'quantitative' as const, title: '95% CI from', format: ',.4~r' },
            { field: 'high', type: 'quantitative' as const, title: '95% CI to', format: ',.4~r' },
          ],
        },
      },
    ],
  };
}
