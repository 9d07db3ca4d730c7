import type { RunJob } from './run-point';

/**
 * What a sweep's coordinator and its workers agree on in Redis. There is one queue per version of hvsim, so a
 * worker only ever runs jobs of its own version (whose hashes name that version); a job's id is its run's hash, so
 * a run is queued once however many coordinators submit it.
 */
export const queueName = (version: string): string => `${version}/runs`;

/** A job's name in the queue (BullMQ names each job; there is one kind). */
export const RUN = 'run';

/**
 * How long a finished job, and a file that travelled, stay in Redis: a coordinator started again within that
 * time collects the runs that finished while it was away rather than running them again.
 */
export const KEEP_SECONDS = 7 * 24 * 60 * 60;

/** Where a file that travels with its jobs is kept, by the SHA-256 of its contents. */
export const fileKey = (sha256: string): string => `hvsim:file:${sha256}`;

/** A job's data: the run, and which of the files it names (by the paths the scenario writes) travelled. */
export interface QueuedRun {
  readonly run: RunJob;
  readonly travelled: readonly string[];
}
