/** What an experiment is and what it finds. */
import { createHost, type Host, type HostConfig } from '@hvsim/host';
import {
  type ChartSpec,
  type ComparisonChartOptions,
  type ComparisonSeries,
  comparisonChart,
} from '@hvsim/report';

/** One published number beside the simulated one. */
export interface ExperimentFigure {
  readonly label: string;
  readonly unit: string;
  readonly published: number;
  readonly simulated: number;
  /** Largest accepted |simulated − published|, in the figure's unit. */
  readonly tolerance: number;
  /**
   * The paper gives a direction, not a number: `published` is a bound the simulated value must exceed
   * (`above`) or stay within (`below`).
   */
  readonly bound?: 'above' | 'below';
  readonly pass: boolean;
}

/** What an experiment's run finds, as plain data; `runExperiment` adds which experiment it is and the verdict. */
export interface ExperimentFindings {
  readonly figures: readonly ExperimentFigure[];
  /** The curves of the chart, simulated and published, for a caller that draws or compares them its own way. */
  readonly series: readonly ComparisonSeries[];
  /** The vega-lite chart of the series (`comparisonChart`), which `hvsim reproduce` draws to SVG and PNG. */
  readonly chart: ChartSpec;
  /** The chart's options, for a caller that draws it again (a report page draws it `interactive`). */
  readonly chartOptions: ComparisonChartOptions;
  /** The runs' numbers behind the figures, a row each, printed below them. */
  readonly measurements?: readonly Readonly<Record<string, string | number>>[];
}

export interface ExperimentOptions {
  /**
   * The seed of the runs, or the first seed of an experiment that runs several in a row. Default: the
   * experiment's own, on which its tolerances were set; another seed may land a figure outside them.
   */
  readonly seed?: number;
}

export interface Experiment {
  /** What `runExperiment` and `hvsim reproduce <name>` take, e.g. `esx-fig2`. */
  readonly name: string;
  /** The paper and figure, for the listing. */
  readonly title: string;
  run(options?: ExperimentOptions): Promise<ExperimentFindings>;
}

/** A host of a scenario's configuration, on `seed` when one is given, else on the scenario's own. */
export const hostOn = (config: HostConfig, seed: number | undefined): Host =>
  createHost(seed === undefined ? config : { ...config, seed });

/** An experiment's series and their chart, made from the one list so that the two always agree. */
export const comparison = (
  series: readonly ComparisonSeries[],
  options: ComparisonChartOptions,
): Pick<ExperimentFindings, 'series' | 'chart' | 'chartOptions'> => ({
  series,
  chart: comparisonChart(series, options),
  chartOptions: options,
});

/** A figure, passing when the simulated value is within the tolerance of the published one. */
export const figure = (
  label: string,
  unit: string,
  published: number,
  simulated: number,
  tolerance: number,
): ExperimentFigure => ({
  label,
  unit,
  published,
  simulated,
  tolerance,
  pass: Number.isFinite(simulated) && Math.abs(simulated - published) <= tolerance,
});

/** A figure for a claim that the simulated value exceeds `bound` (a direction the paper argues, no number). */
export const above = (label: string, unit: string, bound: number, simulated: number): ExperimentFigure => ({
  label,
  unit,
  published: bound,
  simulated,
  tolerance: 0,
  bound: 'above',
  pass: Number.isFinite(simulated) && simulated > bound,
});

/** A figure for a claim that the simulated value is at most `bound` (a ceiling the paper reports). */
export const below = (label: string, unit: string, bound: number, simulated: number): ExperimentFigure => ({
  label,
  unit,
  published: bound,
  simulated,
  tolerance: 0,
  bound: 'below',
  pass: Number.isFinite(simulated) && simulated <= bound,
});
