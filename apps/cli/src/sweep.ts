import { availableParallelism } from 'node:os';
import { formatSi, formatTable } from '@hvsim/report';
import type { SweepPlan } from '@hvsim/scenario';
import { InvalidInputError } from '@hvsim/spec';
import {
  localExecutor,
  pointName,
  queueExecutor,
  runSweep,
  type SweepExecutor,
  type SweepOutcome,
  type SweepProgress,
  valueText,
} from '@hvsim/sweep';
import { SingleBar } from 'cli-progress';

export interface SweepFlags {
  readonly out: string;
  /** Show a progress bar (stderr is a terminal, and neither --quiet nor --json). */
  readonly bar: boolean;
  readonly version: string;
}

/** The sweep file's format, after `hvsim sweep --help`'s options. */
export const SWEEP_HELP = `
A sweep file (YAML or JSON):
  name: overcommitment              a title
  scenario: ./host.yaml             a scenario file (relative to this file), or a scenario inline
  matrix:                           dot paths into the scenario, each a list or { from, to, step }
    host.memory: [1GiB, 768MiB]     list items by name: vms[web].count, by position: vms[0], all: vms[*]
  variants:                         axes of named variants, each setting several paths at once
    policy:
      ESX: { policies.stack: esx }
      CMM2: { policies.stack: none, 'vms[*].guest.pageHints': true }
  seeds: [1, 2, 3]                  every point runs once per seed (default [1])
  scale: 16                         run every point as a miniature (optional)
  exclude: [{ host.memory: 1GiB, policy: CMM2 }]      combinations to skip
  metrics:                          from each run's summary (default: every figure)
    throughput: vms[*].throughput | sum              reducers: sum, mean, min, max, count
  chart: { x: host.memory, y: throughput, color: policy }

Inside { }, quote a path with [ ]: YAML reads [ ] there as a list.
Writes results.csv and results.json (a row per run), summary.csv (mean, sd and 95% interval across seeds),
chart.svg/.png, sweep.yaml (as resolved) and runs/ (each run as it finished: the same sweep run again runs
only what is missing). Exit code 1 when a run failed, 130 when stopped with Ctrl-C.
With --queue, the runs go to the hvsim workers of that Redis (hvsim worker --help); results.csv is the same.
`;

/** `--jobs`, a worker's `--concurrency`: a whole number of threads from 1, default one per core. */
export function parseThreads(text: string | undefined, flag: string): number {
  if (text === undefined) return availableParallelism();
  const threads = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || threads < 1) {
    throw new InvalidInputError(
      flag,
      `expected a whole number of threads from 1, got ${JSON.stringify(text)}`,
    );
  }
  return threads;
}

/**
 * Runs a planned sweep with a progress bar (runs done, failed, ETA); Ctrl-C stops it and keeps what finished.
 * Returns what ran, and whether it was stopped.
 */
export async function sweepWithProgress(
  plan: SweepPlan,
  executor: SweepExecutor,
  flags: SweepFlags,
): Promise<{ outcome: SweepOutcome; stopped: boolean }> {
  const bar = flags.bar
    ? new SingleBar({
        format: 'sweeping [{bar}] {value}/{total} runs | {failed} failed | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
      })
    : undefined;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  let started = false;
  const onProgress = (p: SweepProgress) => {
    if (!started) {
      bar?.start(p.total, p.done, { failed: p.failed });
      started = true;
    } else bar?.update(p.done, { failed: p.failed });
  };
  try {
    const outcome = await runSweep(plan, {
      out: flags.out,
      executor,
      version: flags.version,
      signal: controller.signal,
      onProgress,
    });
    return { outcome, stopped: controller.signal.aborted };
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', stop);
  }
}

/**
 * Threads on this machine (`--jobs`), or `hvsim worker`s through the queue on a Redis (`--queue`), where the
 * threads are each worker's (`--concurrency`). Connection errors, which the queue retries, are told on stderr.
 */
export function sweepExecutor(
  flags: { readonly jobs?: string | undefined; readonly queue?: string | undefined },
  version: string,
  io: { readonly err: (text: string) => void },
): SweepExecutor {
  if (flags.queue === undefined) return localExecutor(parseThreads(flags.jobs, '--jobs'));
  if (flags.jobs !== undefined) {
    throw new InvalidInputError(
      '--jobs',
      'runs are on the workers with --queue: give each its --concurrency',
    );
  }
  return queueExecutor(flags.queue, {
    version,
    onError: (error) => io.err(`hvsim: the queue: ${error.message}\n`),
  });
}

/** A figure in three significant digits, with an SI prefix from a thousand up (never milli: 0.677, not 677 m). */
const compact = (value: number): string =>
  Math.abs(value) >= 1000 ? formatSi(value, '') : String(Number(value.toPrecision(3)));

/** What a sweep did, for a person: each point's metrics (mean ± half the 95% interval), then what was written. */
export function formatSweep(plan: SweepPlan, outcome: SweepOutcome, stopped: boolean): string {
  const { total, done, failed, skipped } = outcome.progress;
  const shown = outcome.metrics.slice(0, 4);
  const rows = outcome.points.map((point) => ({
    ...Object.fromEntries(plan.axes.map((p) => [p, valueText(point.values[p])])),
    runs: `${point.runs - point.failed}/${plan.seeds.length}`,
    ...Object.fromEntries(
      shown.map((m) => {
        const s = point.metrics[m]!;
        const half = (s.ciHigh - s.ciLow) / 2;
        if (Number.isNaN(s.mean)) return [m, '–'];
        return [m, Number.isNaN(half) ? compact(s.mean) : `${compact(s.mean)} ± ${compact(half)}`];
      }),
    ),
  }));
  const lines = [plan.sweep.name, '', formatTable(rows)];
  if (outcome.metrics.length > shown.length) {
    lines.push(`(${outcome.metrics.length - shown.length} more metrics in summary.csv)`);
  }
  lines.push(
    stopped
      ? `stopped: ${done} of ${total} runs finished and kept; run the same command again to go on`
      : `${total} runs: ${done - skipped - failed} finished, ${failed} failed, ${skipped} done before`,
  );
  for (const row of outcome.rows.filter((r) => r.error !== undefined).slice(0, 5)) {
    const where = pointName(plan.axes, row.values);
    lines.push(`failed at ${where}, seed ${row.seed}: ${row.error}`);
  }
  lines.push(`wrote ${outcome.outputs.join(', ')}`, '');
  return lines.join('\n');
}
