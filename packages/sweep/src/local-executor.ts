import { availableParallelism } from 'node:os';
import { InvalidInputError } from '@hvsim/spec';
import { Piscina } from 'piscina';
import type { SweepExecutor } from './executor';
import type { RunJob, RunResult } from './run-point';

/** Run from its TypeScript source (tests, the workspace's `pnpm hvsim`), not from a build. */
const fromSource = import.meta.url.endsWith('.ts');

/** The worker's file: from source, a module that loads the TypeScript through tsx (`point-worker.source.mjs`). */
const workerFile = new URL(fromSource ? './point-worker.source.mjs' : './point-worker.js', import.meta.url)
  .href;

/** From source, a thread resolves hvsim's packages to their sources, as the process that starts it may not. */
const execArgv = (): string[] | undefined =>
  fromSource && !process.execArgv.includes('--conditions=@hvsim/source')
    ? [...process.execArgv, '--conditions=@hvsim/source']
    : undefined;

/** Runs jobs on worker threads of this machine, `threads` at once (default: one per core). */
export function localExecutor(threads: number = availableParallelism()): SweepExecutor {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidInputError('--jobs', `expected a whole number of threads of at least 1, got ${threads}`);
  }
  return {
    async run(jobs: readonly RunJob[], onResult, signal): Promise<void> {
      if (jobs.length === 0 || signal.aborted) return;
      const argv = execArgv();
      const pool = new Piscina<RunJob, RunResult>({
        filename: workerFile,
        minThreads: Math.min(threads, jobs.length),
        maxThreads: Math.min(threads, jobs.length),
        ...(argv === undefined ? {} : { execArgv: argv }),
      });
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
