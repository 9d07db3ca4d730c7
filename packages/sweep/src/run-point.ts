import { simulateScenario, type WallClock } from '@hvsim/experiments';
import { parseScenarioValue } from '@hvsim/scenario';
import { HvsimError } from '@hvsim/spec';
import type { ScenarioFile } from './scenario-files';
import type { RunSummary } from './summary-metrics';

/** One run of a sweep, as an executor hands it to a worker: self-contained, plain data. */
export interface RunJob {
  /** The run's identity (`runHash`). */
  readonly hash: string;
  /** The complete scenario, seed and scale written in. */
  readonly scenario: Readonly<Record<string, unknown>>;
  /** Where the scenario's relative paths start. */
  readonly baseDir: string;
  /** The files the scenario names, their contents part of `hash`: a queue worker lays them out for the run. */
  readonly files: readonly ScenarioFile[];
  /** What the run is called in messages: the sweep file and the point's values. */
  readonly source: string;
}

/** What a run gave: its summary, or the error that stopped it (a failure of its own, not of the executor). */
export interface RunResult {
  readonly hash: string;
  readonly summary?: RunSummary;
  readonly error?: string;
  /** Wall time of the run on the machine that ran it: reported, never part of a comparison. */
  readonly wallSeconds: number;
}

/**
 * Runs one job. A scenario that throws one of hvsim's errors (a guest out of memory, an invariant broken) is a
 * result with its error; anything else is a bug and is thrown. `wallClock` is the caller's (ARCHITECTURE.md,
 * "Where things live": library code reads no wall clock).
 */
export async function runJob(job: RunJob, wallClock: WallClock): Promise<RunResult> {
  const started = wallClock();
  const elapsed = () => (wallClock() - started) / 1000;
  try {
    const loaded = await parseScenarioValue(job.scenario, job.source, undefined, job.baseDir);
    const {
      wallSeconds: _,
      opsPerSecond: __,
      ...summary
    } = simulateScenario(loaded, {
      wallClock,
    }).summary;
    return { hash: job.hash, summary, wallSeconds: elapsed() };
  } catch (error) {
    if (!(error instanceof HvsimError)) throw error;
    return { hash: job.hash, error: error.message, wallSeconds: elapsed() };
  }
}
