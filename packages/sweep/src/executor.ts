import type { RunJob, RunResult } from './run-point';

/**
 * What runs a sweep's jobs: worker threads on this machine (`localExecutor`), or workers on many machines
 * through a queue (`queueExecutor`). Results come back in any order; the sweep puts them in its own.
 */
export interface SweepExecutor {
  /**
   * Runs every job, calling `onResult` as each ends. Resolves once all have, or soon after `signal` aborts, with
   * every result that had come back reported.
   */
  run(
    jobs: readonly RunJob[],
    onResult: (result: RunResult) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
}
