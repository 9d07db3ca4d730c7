/** What an experiment of `hvsim reproduce` is and returns. */

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

export interface ExperimentResult {
  readonly figures: readonly ExperimentFigure[];
  /**
   * A vega-lite chart of published against simulated (see `comparisonChart` in the report package), which
   * `hvsim reproduce` draws to SVG and PNG: every experiment has one.
   */
  readonly chart: object;
  /** The runs' numbers behind the figures, a row each, printed below them. */
  readonly measurements?: readonly Readonly<Record<string, string | number>>[];
}

export interface Experiment {
  /** What `hvsim reproduce <name>` takes, e.g. `esx-fig2`. */
  readonly name: string;
  /** The paper and figure, for the listing. */
  readonly title: string;
  run(): Promise<ExperimentResult>;
}

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
