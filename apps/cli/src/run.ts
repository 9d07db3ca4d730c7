import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DemoComparison,
  type DemoRunInput,
  demoComparison,
  type ScenarioRunOptions,
  type ScenarioSummary,
  simulateScenario,
} from '@hvsim/experiments';
import { writeChart, writeRunOutputs } from '@hvsim/report';
import type { LoadedScenario } from '@hvsim/scenario';

/** What a run did and how fast it was simulated, and the files written: the CLI's summary, and `--json` output. */
export interface RunSummary extends ScenarioSummary {
  readonly outputs: readonly string[];
}

/** The CLI times its runs with its own clock. */
export interface RunOptions extends Omit<ScenarioRunOptions, 'wallClock'> {
  /** Folder for metrics, event log and charts; none: write nothing. */
  readonly out?: string;
}

/** Runs a loaded scenario to its duration; writes its outputs when asked. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions = {}): Promise<RunSummary> {
  // Charts are made only to be written.
  const run = simulateScenario(loaded, {
    ...options,
    wallClock: () => performance.now(),
    charts: Boolean(options.out) && options.charts !== false,
  });
  const outputs = options.out ? await writeRunOutputs(options.out, run) : [];
  return { ...run.summary, outputs };
}

/** What the demo wrote: each run's folder and files, the comparison's charts, and its report once written. */
export interface DemoFiles {
  readonly runs: readonly {
    readonly name: string;
    readonly dir: string;
    readonly files: readonly string[];
  }[];
  /** Each comparison chart's files: `<name>.svg` and `<name>.png`. */
  readonly charts: readonly { readonly name: string; readonly files: readonly string[] }[];
  readonly report?: string;
}

/**
 * Runs the demo's two runs of one host and writes each run's outputs into a folder of its own under `out`
 * (`<out>/<name>/`) and the comparison's charts into `out`.
 */
export async function runDemo(
  inputs: readonly [DemoRunInput, DemoRunInput],
  out: string,
  options: Omit<RunOptions, 'out' | 'scale'>,
): Promise<{ readonly demo: DemoComparison; readonly files: DemoFiles }> {
  const demo = demoComparison(inputs, {
    ...options,
    wallClock: () => performance.now(),
    charts: options.charts !== false,
  });
  const runs: DemoFiles['runs'][number][] = [];
  for (const { name, run } of demo.runs) {
    const dir = join(out, name);
    runs.push({ name, dir, files: await writeRunOutputs(dir, run) });
  }
  const charts: DemoFiles['charts'][number][] = [];
  for (const { name, spec } of demo.charts)
    charts.push({ name, files: await writeChart(join(out, name), spec) });
  // The report is another step's to write; it is named only when it is there.
  const report = join(out, 'report.html');
  return { demo, files: { runs, charts, ...(existsSync(report) ? { report } : {}) } };
}
