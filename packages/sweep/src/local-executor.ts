import { availableParallelism } from 'node:os';
import { InvalidInputError } from '@hvsim/spec';
import type { SweepExecutor } from './executor';
import type { RunJob } from './run-point';
import { runPool } from './thread-pool';

/** Runs jobs on worker threads of this machine, `threads` at once (default: one per core). */
export function localExecutor(threads: number = availableParallelism()): SweepExecutor {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidInputError('--jobs', `expected a whole number of threads of at least 1, got ${threads}`);
  }
  return {
    async run(jobs: readonly RunJob[], onResult, signal): Promise<void> {
      if (jobs.length === 0 || signal.aborted) return;
      const pool = runPool(Math.min(threads, jobs.length));
      // Stopping ends every thread at once; the runs still going are lost, the finished ones reported.
      const stop = () => void pool.destroy();
      signal.addEventListener('abort', stop, { once: true });
      try {
        await Promise.all(
          jobs.map(async (job) => {
            try {
              await onResult(await pool.run(job));
            } catch (error) {
              // An aborted job is one the caller gave up on; anything else is a bug in a run.
              if (!signal.aborted) throw error;
            }
          }),
        );
      } finally {
        signal.removeEventListener('abort', stop);
        await pool.destroy();
      }
    },
  };
}
