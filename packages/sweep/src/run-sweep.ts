import { join } from 'node:path';
import { makeFolder, writeChart, writeOutput, writeReport } from '@hvsim/report';
import type { SweepChart, SweepPlan } from '@hvsim/scenario';
import { ScenarioError, type ScenarioIssue, writeYaml } from '@hvsim/scenario';
import type { SweepExecutor } from './executor';
import { runHash } from './point-hash';
import type { RunJob, RunResult } from './run-point';
import { RunStore } from './run-store';
import { type FileDigests, scenarioFiles } from './scenario-files';
import { blankSummary, defaultMetrics, MetricError, summaryMetrics } from './summary-metrics';
import { sweepChart } from './sweep-chart';
import { sweepReport } from './sweep-report';
import {
  type PointSummary,
  pointName,
  resultsCsv,
  type SweepRow,
  summarize,
  summaryCsv,
} from './sweep-table';

/** How far a sweep has got: runs in all, finished (this time or before), failed, and found already done. */
export interface SweepProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface SweepOptions {
  /** The folder for the results; runs already finished there are not run again. */
  readonly out: string;
  readonly executor: SweepExecutor;
  /** hvsim's version: part of each run's hash, so results of another version are never taken for this one's. */
  readonly version: string;
  /** Stops the sweep (Ctrl-C): what finished is kept and written. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SweepProgress) => void;
}

export interface SweepOutcome {
  /** Every run that finished or failed, in the sweep's order. */
  readonly rows: readonly SweepRow[];
  readonly points: readonly PointSummary[];
  readonly metrics: readonly string[];
  readonly progress: SweepProgress;
  /** Whether every run finished (not stopped first). */
  readonly complete: boolean;
  readonly outputs: readonly string[];
}

/** A run of the sweep: its point, its seed and the job that runs it. */
interface PlannedRun {
  readonly values: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly job: RunJob;
}

/**
 * Runs a planned sweep on an executor and writes its results to `out`: results.csv and results.json (a row a
 * run), summary.csv (a row a point, across seeds), a chart per `chart` entry as SVG and PNG, and sweep.yaml (the
 * sweep as resolved). Each run is kept as it finishes, so a sweep stopped in any way loses no finished run, and
 * one started again runs only what is missing.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepOutcome> {
  const metrics = metricsOf(plan);
  const runs = plannedRuns(plan, options.version);
  const store = new RunStore(options.out);
  const results = await store.finished();
  const total = runs.length;
  const skipped = runs.filter((run) => results.has(run.job.hash)).length;
  let done = skipped;
  let failed = 0;
  const report = () => options.onProgress?.({ total, done, failed, skipped });
  report();
  // Two points can make the same scenario (a variant setting what another sets): one job runs both.
  const pending = new Map<string, { job: RunJob; runs: number }>();
  for (const run of runs) {
    if (results.has(run.job.hash)) continue;
    const entry = pending.get(run.job.hash);
    if (entry) entry.runs++;
    else pending.set(run.job.hash, { job: run.job, runs: 1 });
  }
  const signal = options.signal ?? new AbortController().signal;
  await options.executor.run(
    [...pending.values()].map((entry) => entry.job),
    async (result) => {
      const entry = pending.get(result.hash);
      if (entry === undefined || results.has(result.hash)) return;
      await store.keep(result);
      results.set(result.hash, result);
      done += entry.runs;
      if (result.error !== undefined) failed += entry.runs;
      report();
    },
    signal,
  );
  const rows = runs.flatMap((run): SweepRow[] => {
    const result = results.get(run.job.hash);
    return result === undefined ? [] : [rowOf(run, result, metrics.names, metrics.expressions)];
  });
  const points = summarize(plan.axes, metrics.names, rows);
  const outputs = await writeSweepOutputs(plan, options.out, metrics.names, rows, points, options.version);
  return {
    rows,
    points,
    metrics: metrics.names,
    progress: { total, done, failed, skipped },
    complete: done === total,
    outputs,
  };
}

/**
 * Every run: each point once per seed, in the sweep's order, the seed written into its scenario, and the files it
 * names found and hashed (each file once for the whole sweep).
 */
function plannedRuns(plan: SweepPlan, version: string): PlannedRun[] {
  const digests: FileDigests = new Map();
  return plan.points.flatMap((point) => {
    const files = scenarioFiles(point.scenario, plan.baseDir, digests);
    const where = pointName(plan.axes, point.values);
    return plan.seeds.map((seed) => {
      const scenario = { ...point.scenario, seed };
      return {
        values: point.values,
        seed,
        job: {
          hash: runHash(scenario, version, files),
          scenario,
          baseDir: plan.baseDir,
          files,
          source: `${plan.source} at ${where}, seed ${seed}`,
        },
      };
    });
  });
}

/**
 * The sweep's metrics, by default every figure of the summary for every VM any point has. Metrics the file
 * names, and the charts' metrics, are checked against a summary of every point's VMs before anything runs.
 */
function metricsOf(plan: SweepPlan): { names: string[]; expressions: Record<string, string> } {
  const vmNames = (point: SweepPlan['points'][number]) => point.loaded.host.vms.map((vm) => vm.name);
  const expressions = plan.sweep.metrics ?? defaultMetrics([...new Set(plan.points.flatMap(vmNames))]);
  const names = Object.keys(expressions);
  const issues: ScenarioIssue[] = [];
  if (plan.sweep.metrics !== undefined) {
    for (const point of plan.points) {
      try {
        summaryMetrics(blankSummary(vmNames(point)), expressions, false);
      } catch (error) {
        if (!(error instanceof MetricError)) throw error;
        const where = pointName(plan.axes, point.values);
        issues.push({ path: error.field!, message: `${error.reason} (at ${where})` });
        break;
      }
    }
  }
  chartsOf(plan).forEach((chart, i) => {
    if (!names.includes(chart.y)) {
      const at = Array.isArray(plan.sweep.chart) ? `chart[${i}].y` : 'chart.y';
      issues.push({ path: at, message: `expected a metric (${names.join(', ')}), got "${chart.y}"` });
    }
  });
  if (issues.length > 0) throw new ScenarioError(plan.source, issues);
  return { names, expressions };
}

function rowOf(
  run: PlannedRun,
  result: RunResult,
  names: readonly string[],
  expressions: Record<string, string>,
): SweepRow {
  const base = { values: run.values, seed: run.seed, hash: run.job.hash, wallSeconds: result.wallSeconds };
  if (result.summary === undefined) {
    return {
      ...base,
      metrics: Object.fromEntries(names.map((n) => [n, Number.NaN])),
      error: result.error ?? 'no summary',
    };
  }
  // Default metrics name every VM of any point: a run without one has no value for it.
  return { ...base, metrics: summaryMetrics(result.summary, expressions, true) };
}

/** The charts the sweep file asks for; by default its first metric against its first path, coloured by its second. */
function chartsOf(plan: SweepPlan): SweepChart[] {
  const chart = plan.sweep.chart;
  if (chart !== undefined) return Array.isArray(chart) ? chart : [chart];
  const y = plan.sweep.metrics === undefined ? undefined : Object.keys(plan.sweep.metrics)[0];
  const [x, color] = plan.axes;
  return [{ x: x!, y: y ?? 'ops', ...(color === undefined ? {} : { color }) }];
}

/** A number JSON can hold: NaN and infinities are null. */
const jsonNumber = (value: number): number | null => (Number.isFinite(value) ? value : null);

async function writeSweepOutputs(
  plan: SweepPlan,
  out: string,
  metrics: readonly string[],
  rows: readonly SweepRow[],
  points: readonly PointSummary[],
  version: string,
): Promise<string[]> {
  makeFolder(out);
  const file = (name: string) => join(out, name);
  const outputs: string[] = [];
  const write = async (name: string, text: string, what: string) => {
    await writeOutput(file(name), text, what);
    outputs.push(file(name));
  };
  await write('results.csv', resultsCsv(plan.axes, metrics, rows), 'the results');
  await write(
    'results.json',
    `${JSON.stringify(
      {
        name: plan.sweep.name,
        runs: rows.map((row) => ({
          ...row,
          metrics: Object.fromEntries(Object.entries(row.metrics).map(([k, v]) => [k, jsonNumber(v)])),
        })),
      },
      null,
      1,
    )}\n`,
    'the results',
  );
  await write('summary.csv', summaryCsv(plan.axes, metrics, points), 'the summary');
  await write('sweep.yaml', writeYaml(plan.sweep), 'the sweep as resolved');
  const charts = chartsOf(plan);
  for (const [i, chart] of charts.entries()) {
    const base = file(i === 0 ? 'chart' : `chart-${i + 1}`);
    outputs.push(...(await writeChart(base, sweepChart(chart, plan.levels, points, plan.seeds.length))));
  }
  outputs.push(await writeReport(out, sweepReport(plan, charts, metrics, rows, points, version)));
  return outputs;
}
