import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HvsimError } from '@hvsim/spec';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { SweepExecutor } from './executor';
import { fileKey, KEEP_SECONDS, type QueuedRun, queueName, RUN } from './queue-protocol';
import { checkReachable, queueConnection } from './redis-connection';
import type { RunJob, RunResult } from './run-point';
import { type ScenarioFile, TRAVEL_LIMIT, travels } from './scenario-files';

export interface QueueExecutorOptions {
  /** hvsim's version, as given to `runSweep`: the queue is that version's (see `queueName`). */
  readonly version: string;
  /** Milliseconds between look-ups of the pending runs by id, which catch what the queue's events missed (2 s). */
  readonly pollInterval?: number;
  /** Files up to this many bytes travel with their jobs (64 MiB); larger ones must be at their path on every worker. */
  readonly travelLimit?: number;
  /** Told of the queue's connection errors (Redis restarting, say), which are retried. */
  readonly onError?: (error: Error) => void;
}

/**
 * Runs jobs on `hvsim worker`s through a BullMQ queue on the Redis at `url` (`redis://host:6379/0`). A job's id
 * is its run's hash: a job already queued, by this coordinator before it was stopped or by another, is not queued
 * again, and one that finished is collected from Redis, where it stays for `KEEP_SECONDS`. A run that failed
 * (its own error, or a job the queue gave up on) is queued again, as the local executor runs it again. Stopping
 * leaves the jobs to the workers, for a later coordinator to collect.
 */
export function queueExecutor(url: string, options: QueueExecutorOptions): SweepExecutor {
  const connection = queueConnection(url);
  const pollInterval = options.pollInterval ?? 2000;
  const travelLimit = options.travelLimit ?? TRAVEL_LIMIT;
  const onError = (error: Error) => options.onError?.(error);
  return {
    async run(jobs: readonly RunJob[], onResult, signal): Promise<void> {
      if (jobs.length === 0 || signal.aborted) return;
      await checkReachable(connection);
      const name = queueName(options.version);
      const queue = new Queue<QueuedRun, RunResult>(name, {
        connection: connection.options,
        defaultJobOptions: {
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      });
      const events = new QueueEvents(name, { connection: connection.options });
      const files = new Redis(connection.options);
      queue.on('error', onError);
      events.on('error', onError);
      files.on('error', onError);
      const pending = new Map(jobs.map((job) => [job.hash, job]));
      // Only a job this coordinator submitted is collected: one finished before is looked at by `submit`.
      const submitted = new Set<string>();
      const reports: Promise<void>[] = [];
      let finish!: (error?: unknown) => void;
      const finished = new Promise<void>((resolve, reject) => {
        finish = (error) => (error === undefined ? resolve() : reject(error));
      });
      const settle = (result: RunResult) => {
        if (signal.aborted || !pending.delete(result.hash)) return;
        const report = Promise.resolve(onResult(result));
        reports.push(report);
        report.catch(finish);
        if (pending.size === 0) finish();
      };
      const collect = async (hash: string) => {
        const state = await queue.getJobState(hash);
        if (state === 'completed' || state === 'failed') {
          const job = await Job.fromId<QueuedRun, RunResult>(queue, hash);
          if (job !== undefined) settle(resultOf(job, state));
        } else if (state === 'unknown') {
          // Gone from Redis (a restart without persistence, or removed by hand): queued again, files and all.
          const job = pending.get(hash)!;
          await upload(files, [job], travelLimit);
          await queue.add(RUN, queued(job, travelLimit), { jobId: hash });
        }
      };
      const submit = async (job: RunJob) => {
        const existing = await Job.fromId<QueuedRun, RunResult>(queue, job.hash);
        const state = existing === undefined ? 'unknown' : await existing.getState();
        if (existing === undefined || state === 'unknown') {
          await queue.add(RUN, queued(job, travelLimit), { jobId: job.hash });
        } else if (state === 'completed' || state === 'failed') {
          const result = resultOf(existing, state);
          if (result.error === undefined) {
            submitted.add(job.hash);
            return settle(result);
          }
          // Retrying fails only for a job no longer in that state: another coordinator retried it first.
          await existing
            .retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true })
            .catch(() => {});
        }
        submitted.add(job.hash);
      };
      events.on('completed', ({ jobId, returnvalue }) => {
        if (submitted.has(jobId)) settle(checked(jobId, returnvalue));
      });
      events.on('failed', ({ jobId }) => {
        if (submitted.has(jobId)) collect(jobId).catch(finish);
      });
      const polling = new AbortController();
      const stop = () => finish();
      signal.addEventListener('abort', stop, { once: true });
      try {
        (async () => {
          await events.waitUntilReady();
          await upload(files, jobs, travelLimit);
          await Promise.all(jobs.map(submit));
          while (pending.size > 0) {
            await sleep(pollInterval, undefined, { signal: polling.signal });
            await Promise.all([...submitted].filter((hash) => pending.has(hash)).map(collect));
          }
        })().catch(finish);
        await finished;
      } finally {
        signal.removeEventListener('abort', stop);
        polling.abort();
        await Promise.all([queue.close(), events.close(), files.quit().catch(() => files.disconnect())]);
      }
      await Promise.all(reports);
    },
  };
}

/** A job's data: the run, and which of its files travel. */
const queued = (run: RunJob, travelLimit: number): QueuedRun => ({
  run,
  travelled: run.files.filter((file) => travels(file, travelLimit)).map((file) => file.path),
});

/** A finished job's result: what the worker returned, or the reason the queue gave up on it. */
function resultOf(job: Job<QueuedRun, RunResult>, state: 'completed' | 'failed'): RunResult {
  const hash = job.id!;
  if (state === 'completed') return checked(hash, job.returnvalue);
  const wallSeconds =
    job.finishedOn === undefined || job.processedOn === undefined
      ? 0
      : (job.finishedOn - job.processedOn) / 1000;
  return { hash, error: `the queue gave up on this run: ${job.failedReason}`, wallSeconds };
}

/** What a worker returned, if it is a result for this run; a worker of this version returns nothing else. */
function checked(hash: string, value: unknown): RunResult {
  if (typeof value === 'object' && value !== null && (value as RunResult).hash === hash)
    return value as RunResult;
  return { hash, error: `the queue holds no result for this run: ${JSON.stringify(value)}`, wallSeconds: 0 };
}

/**
 * Puts each file that travels into Redis under its SHA-256, once however many jobs name it, and keeps those
 * already there for as long again. A file is read again and checked against the hash its runs were given.
 */
async function upload(client: Redis, jobs: readonly RunJob[], travelLimit: number): Promise<void> {
  const files = new Map<string, ScenarioFile>();
  for (const job of jobs) {
    for (const file of job.files) if (travels(file, travelLimit)) files.set(file.sha256, file);
  }
  for (const file of files.values()) {
    const key = fileKey(file.sha256);
    if ((await client.expire(key, KEEP_SECONDS)) === 1) continue;
    const bytes = await readFile(file.resolved);
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) {
      throw new HvsimError(
        'changed-file',
        'changed while the sweep was being planned; start it again',
        file.resolved,
      );
    }
    await client.set(key, bytes, 'EX', KEEP_SECONDS);
  }
}
