import type { ScenarioSummary } from '@hvsim/experiments';
import { DocumentPathError, readPath } from '@hvsim/scenario';
import { HvsimError } from '@hvsim/spec';

/** What a run's summary holds that a sweep compares: everything but the wall clock, which varies by machine. */
export type RunSummary = Omit<ScenarioSummary, 'wallSeconds' | 'opsPerSecond'>;

/** How the values a `[*]` path reaches are made one. */
const REDUCERS = {
  sum: (values: number[]) => values.reduce((a, b) => a + b, 0),
  mean: (values: number[]) =>
    values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length,
  min: (values: number[]) => (values.length === 0 ? Number.NaN : Math.min(...values)),
  max: (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values)),
  count: (values: number[]) => values.length,
} as const;

type Reducer = keyof typeof REDUCERS;

/** A metric that does not parse or does not lead to numbers in a run's summary. */
export class MetricError extends HvsimError {
  override readonly name = 'MetricError';
  constructor(metric: string, message: string) {
    super('invalid-metric', message, `metrics.${metric}`);
  }
}

/**
 * A metric's value in a run's summary: `expression` is a path into the summary (`hostFreeMiB`,
 * `vms[web].swappedMiB`, `vms[*].throughput`), then, for a path through `[*]`, `| sum`, `| mean`, `| min`,
 * `| max` or `| count`.
 */
export function metricValue(summary: RunSummary, metric: string, expression: string): number {
  const [path = '', reducer, ...rest] = expression.split('|').map((part) => part.trim());
  if (rest.length > 0)
    throw new MetricError(metric, `expected a path and at most one "| reducer", got "${expression}"`);
  if (reducer !== undefined && !(reducer in REDUCERS)) {
    throw new MetricError(
      metric,
      `expected a reducer of ${Object.keys(REDUCERS).join(', ')}, got "${reducer}"`,
    );
  }
  let values: unknown[];
  try {
    values = readPath(summary, path);
  } catch (error) {
    if (error instanceof DocumentPathError) throw new MetricError(metric, `${path}: ${error.reason}`);
    throw error;
  }
  // Counting needs no numbers: `vms[*] | count` is how many VMs the run has.
  if (reducer === 'count') return values.filter((value) => value !== undefined).length;
  const numbers = values.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value !== 'number') {
      throw new MetricError(
        metric,
        `expected ${path} to be a number of the run's summary, got ${value === undefined ? 'nothing (no such field)' : JSON.stringify(value)}`,
      );
    }
    return value;
  });
  if (reducer !== undefined) return REDUCERS[reducer as Reducer](numbers);
  if (numbers.length !== 1) {
    throw new MetricError(
      metric,
      `${path} is ${numbers.length} values; expected one, or a reducer such as "| sum"`,
    );
  }
  return numbers[0]!;
}

/** The per-VM figures of a summary, each a default metric `<vm>.<figure>`. */
const VM_FIGURES = ['ops', 'throughput', 'allocatedMiB', 'swappedMiB', 'sharedMiB', 'doublePaging'] as const;

/** The host-wide figures of a summary, each a default metric of its own name. */
const HOST_FIGURES = ['ops', 'hostFreeMiB', 'hostSwapUsedMiB', 'events'] as const;

/**
 * A sweep's metrics when its file names none: every figure of the summary — the host's, then each VM's
 * (`web.throughput`), for every VM any point has, in the order they first appear.
 */
export function defaultMetrics(vmNames: readonly string[]): Record<string, string> {
  return {
    ...Object.fromEntries(HOST_FIGURES.map((figure) => [figure, figure])),
    ...Object.fromEntries(
      vmNames.flatMap((vm) => VM_FIGURES.map((figure) => [`${vm}.${figure}`, `vms[${vm}].${figure}`])),
    ),
  };
}

/** Each metric's value in a summary; a default metric of a VM this run lacks is NaN (an empty cell). */
export function summaryMetrics(
  summary: RunSummary,
  metrics: Readonly<Record<string, string>>,
  lenient: boolean,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).map(([name, expression]) => {
      if (!lenient) return [name, metricValue(summary, name, expression)];
      try {
        return [name, metricValue(summary, name, expression)];
      } catch (error) {
        if (error instanceof MetricError) return [name, Number.NaN];
        throw error;
      }
    }),
  );
}

/**
 * A summary of the right shape with every figure 0, for a run of these VMs: metrics are checked against it
 * before anything runs.
 */
export function blankSummary(vmNames: readonly string[]): RunSummary {
  return {
    scenario: '',
    seed: 0,
    scale: 1,
    simulatedSeconds: 0,
    ops: 0,
    vms: vmNames.map((name) => ({
      name,
      poweredOn: true,
      ops: 0,
      throughput: 0,
      allocatedMiB: 0,
      swappedMiB: 0,
      sharedMiB: 0,
      doublePaging: 0,
    })),
    hostMiB: 0,
    hostFreeMiB: 0,
    hostSwapUsedMiB: 0,
    events: 0,
  };
}
