import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@hvsim/spec';
import { type Job, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { fileKey, KEEP_SECONDS, type QueuedRun, queueName } from './queue-protocol';
import { checkReachable, queueConnection } from './redis-connection';
import type { RunJob, RunResult } from './run-point';
import { FileCache } from './scenario-files';
import { runPool } from './thread-pool';

export interface QueueWorkerOptions {
  /** hvsim's version: the worker takes the jobs of this version's queue (see `queueName`). */
  readonly version: string;
  /** Runs at once, each on a thread of its own (default: one per core). */
  readonly concurrency?: number;
  /**
   * Stops the worker: it takes no more jobs, hands the runs it has back to the queue, where another worker takes
   * them at once, and closes its connections.
   */
  readonly signal: AbortSignal;
  /** Milliseconds a worker holds a job without renewing its lock (BullMQ's `lockDuration`; 30 s). */
  readonly lockDuration?: number;
  /** Milliseconds between looks for jobs whose worker is gone (BullMQ's `stalledInterval`; 30 s). */
  readonly stalledInterval?: number;
  /** Times a run may lose its worker (killed, cut off) and be run again before the queue gives up on it (2). */
  readonly maxStalls?: number;
  /** Called once the worker is connected and waiting for jobs, with the queue's URL (its password left out). */
  readonly onReady?: (queue: string) => void;
  readonly onResult?: (job: RunJob, result: RunResult) => void;
  /**
   * Told of the queue's connection errors (Redis restarting, say), which are retried, and of a run that threw (a bug
   * in hvsim, or its files not to be had), whose job fails.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * Runs a sweep's jobs from the BullMQ queue on the Redis at `url`, `concurrency` at once, until `signal` aborts.
 * Each run computes on a thread of a pool (`runPool`): runJob is synchronous and CPU-bound, and the main thread
 * must stay free to renew the jobs' locks, or the queue would take a long run for a lost one. A run's files are
 * laid out in a temporary folder of the worker's own (`FileCache`), removed when it stops.
 */
export async function runQueueWorker(url: string, options: QueueWorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError(
      '--concurrency',
      `expected a whole number of runs at once of at least 1, got ${concurrency}`,
    );
  }
  const connection = queueConnection(url);
  await checkReachable(connection);
  if (options.signal.aborted) return;
  const onError = (error: Error) => options.onError?.(error);
  const client = new Redis(connection.options);
  client.on('error', onError);
  const files = new FileCache(await mkdtemp(join(tmpdir(), 'hvsim-worker-')), async (sha256) => {
    const bytes = await client.getBuffer(fileKey(sha256));
    if (bytes === null) {
      throw new Error(
        `the file of SHA-256 ${sha256} is no longer in Redis (files stay ${KEEP_SECONDS / 86_400} days): submit the sweep again`,
      );
    }
    return bytes;
  });
  const pool = runPool(concurrency);
  const worker = new Worker<QueuedRun, RunResult>(
    queueName(options.version),
    async (job: Job<QueuedRun, RunResult>, token?: string, signal?: AbortSignal) => {
      const { run, travelled } = job.data;
      try {
        const baseDir = await files.baseDirOf(run.baseDir, run.files, new Set(travelled));
        const ran = await pool.run({ ...run, baseDir }, signal === undefined ? {} : { signal });
        // A message names a file where the sweep's author has it, not in this worker's folder.
        const result =
          ran.error === undefined ? ran : { ...ran, error: ran.error.replaceAll(baseDir, run.baseDir) };
        options.onResult?.(run, result);
        return result;
      } catch (error) {
        if (!signal?.aborted) throw error;
        await job.moveToWait(token);
        throw new WaitingError();
      }
    },
    {
      connection: connection.options,
      concurrency,
      name: `${hostname()}:${process.pid}`,
      maxStalledCount: options.maxStalls ?? 2,
      ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
      ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
    },
  );
  worker.on('error', onError);
  worker.on('failed', (job, error) =>
    onError(new Error(`${job?.data.run.source ?? 'a run'}: ${error.message}`)),
  );
  try {
    await worker.waitUntilReady();
    options.onReady?.(connection.shown);
    if (!options.signal.aborted) {
      await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
    }
  } finally {
    // Closing first takes no more jobs; cancelling then ends the runs in hand, which go back to the queue.
    const closing = worker.close();
    worker.cancelAllJobs('the worker is stopping');
    await closing;
    await Promise.all([pool.destroy(), files.dispose(), client.quit().catch(() => client.disconnect())]);
  }
}
