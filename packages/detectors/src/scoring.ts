import { InvalidInputError, type SimTime } from '@hvsim/spec';

/** How well a detector's estimate followed the truth over a run. */
export interface EstimateScore {
  /** Mean |estimate − truth| over the samples, in the series' unit (pages). */
  readonly meanAbsoluteError: number;
  /**
   * Mean time after a rise (a fall) of the truth until the estimate covered 90% of the step, in ns; NaN when
   * the truth never rose (fell). A step the estimate never covers counts until the next step or the end.
   */
  readonly lagUp: SimTime;
  readonly lagDown: SimTime;
  /** Rises and falls of the truth found. */
  readonly steps: number;
}

export interface ScoreOptions {
  /** A change of the truth between two samples of at least this share of its largest value is a step (0.1). */
  readonly stepShare?: number;
  /** Share of a step the estimate must cover to have followed it (0.9). */
  readonly cover?: number;
}

/**
 * Scores an estimate against the truth sampled at the same `times` (e.g. a detector and the oracle, recorded
 * as metrics of one run): mean absolute error, and how long the estimate took to follow each step up and down.
 */
export function scoreEstimate(
  times: ArrayLike<number>,
  truth: ArrayLike<number>,
  estimate: ArrayLike<number>,
  options: ScoreOptions = {},
): EstimateScore {
  const n = times.length;
  if (truth.length !== n || estimate.length !== n || n === 0) {
    throw new InvalidInputError(
      'estimate',
      `expected times, truth and estimate of one non-zero length, got ${n}, ${truth.length}, ${estimate.length}`,
    );
  }
  const stepShare = options.stepShare ?? 0.1;
  const cover = options.cover ?? 0.9;
  let error = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    error += Math.abs(estimate[i]! - truth[i]!);
    peak = Math.max(peak, truth[i]!);
  }
  const steps: number[] = [];
  for (let i = 1; i < n; i++)
    if (Math.abs(truth[i]! - truth[i - 1]!) >= stepShare * peak && peak > 0) steps.push(i);
  const up: number[] = [];
  const down: number[] = [];
  steps.forEach((i, k) => {
    const from = truth[i - 1]!;
    const to = truth[i]!;
    const goal = from + cover * (to - from);
    const end = k + 1 < steps.length ? steps[k + 1]! : n;
    let j = i;
    while (j < end && (to > from ? estimate[j]! < goal : estimate[j]! > goal)) j++;
    const lag = (j < end ? times[j]! : times[end - 1]!) - times[i]!;
    (to > from ? up : down).push(lag);
  });
  const mean = (values: number[]) =>
    values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
  return { meanAbsoluteError: error / n, lagUp: mean(up), lagDown: mean(down), steps: steps.length };
}
