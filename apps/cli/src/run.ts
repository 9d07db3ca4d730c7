import {
  runReport,
  type ScenarioRunOptions,
  type ScenarioSummary,
  simulateScenario,
} from '@hvsim/experiments';
import { writeRunOutputs } from '@hvsim/report';
import { type LoadedScenario, writeYaml } from '@hvsim/scenario';
import { cliVersion } from './version';

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
  const report = () => runReport(run, { version: cliVersion(), scenarioText: writeYaml(loaded.scenario) });
  const outputs = options.out ? await writeRunOutputs(options.out, { ...run, report: report() }) : [];
  return { ...run.summary, outputs };
}
