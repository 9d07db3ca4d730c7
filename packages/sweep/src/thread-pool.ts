import { Piscina } from 'piscina';
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

/**
 * A pool of `threads` worker threads, each running one job at a time with `runJob`: the local executor's, and a
 * queue worker's, whose main thread must stay free to renew its jobs' locks while the runs compute.
 */
export function runPool(threads: number): Piscina<RunJob, RunResult> {
  const argv = execArgv();
  return new Piscina<RunJob, RunResult>({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    ...(argv === undefined ? {} : { execArgv: argv }),
  });
}
