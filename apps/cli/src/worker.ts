import { InvalidInputError } from '@hvsim/spec';
import { runQueueWorker } from '@hvsim/sweep';
import { parseThreads } from './sweep';

export interface WorkerFlags {
  readonly queue: string;
  readonly concurrency?: string;
  readonly quiet?: boolean;
  /** Hidden flags: the queue's lock and stalled-job timing in milliseconds, short in tests that kill workers. */
  readonly lockDuration?: string;
  readonly stalledInterval?: string;
}

/** A hidden timing flag: whole milliseconds from 1, or nothing for the queue's default. */
function parseMilliseconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) {
    throw new InvalidInputError(flag, `expected whole milliseconds from 1, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * `hvsim worker`: takes runs from the queue until Ctrl-C (or SIGTERM), then hands the runs in hand back to the
 * queue, where another worker takes them, and ends. A second Ctrl-C ends it at once: its runs go to other
 * workers once their locks expire. A line per run on stdout, unless quiet; the worker's state on stderr.
 */
export async function runWorker(
  flags: WorkerFlags,
  version: string,
  io: { readonly out: (text: string) => void; readonly err: (text: string) => void },
): Promise<void> {
  const concurrency = parseThreads(flags.concurrency, '--concurrency');
  const lockDuration = parseMilliseconds(flags.lockDuration, '--lock-duration');
  const stalledInterval = parseMilliseconds(flags.stalledInterval, '--stalled-interval');
  const controller = new AbortController();
  const stop = () => {
    io.err('hvsim worker: stopping; the runs in hand go back to the queue\n');
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runQueueWorker(flags.queue, {
      version,
      concurrency,
      signal: controller.signal,
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
      onReady: (queue) =>
        io.err(`hvsim worker: ${version}, ${concurrency} at once, taking runs from ${queue}\n`),
      onResult: (job, result) => {
        if (flags.quiet) return;
        const took = `${result.wallSeconds.toFixed(2)} s`;
        io.out(
          result.error === undefined
            ? `ran ${job.source} (${took})\n`
            : `failed ${job.source}: ${result.error}\n`,
        );
      },
      onError: (error) => io.err(`hvsim worker: ${error.message}\n`),
    });
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
