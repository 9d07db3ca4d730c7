/**
 * The queue's overhead per run (issue 19, target ≤ 20 ms): 1,000 tiny runs (1 ms simulated of one VM, about 5 ms of
 * wall time each) through a Redis on the loopback address to two `hvsim worker` processes of one thread each. The
 * overhead is the queue's wall time less the runs' own summed wall time over the parallelism of 2, per run: what
 * submitting, handing out, collecting and keeping a run costs. The local executor's two threads run the same runs
 * for comparison (its time includes starting its threads). Both are timed from the sweep's first progress report
 * to its last run (results and charts written after are left out); the workers are started and warmed up first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from '@hvsim/bench-kit';
import { parseSweep } from '@hvsim/scenario';
import type { SweepExecutor } from '../src/executor';
import { CLI_VERSION, startWorker, stopProcess } from '../src/hvsim-process.fixture';
import { localExecutor } from '../src/local-executor';
import { queueExecutor } from '../src/queue-executor';
import { startRedis } from '../src/redis-server.fixture';
import { runSweep } from '../src/run-sweep';

const RUNS = 1000;
const PARALLELISM = 2;

/** A sweep of `runs` tiny runs; `name` makes its runs (and their hashes) its own. */
const sweepText = (name: string, runs: number) => `name: ${name}
scenario:
  name: ${name}
  duration: 1ms
  host: { memory: 8MiB, swap: 16MiB, quantum: 1ms }
  vms:
    - { name: a, memory: 4MiB, workload: { kind: zipf, pages: 0.5 } }
matrix:
  vms[a].workload.pages: { from: 0.001, to: ${runs / 1000}, step: 0.001 }
`;

/** A sweep's seconds from its first progress report to its last run, and its runs' own summed wall seconds. */
async function timed(name: string, runs: number, executor: SweepExecutor, out: string) {
  const plan = await parseSweep(sweepText(name, runs), `${name}.yaml`, out);
  let started = 0;
  let ended = 0;
  const { rows } = await runSweep(plan, {
    out,
    executor,
    version: CLI_VERSION,
    onProgress: ({ done, total }) => {
      if (started === 0) started = performance.now();
      if (done === total) ended = performance.now();
    },
  });
  if (rows.length !== runs || rows.some((row) => row.error !== undefined))
    throw new Error(`${name}: runs failed`);
  return {
    seconds: (ended - started) / 1000,
    runSeconds: rows.reduce((sum, row) => sum + row.wallSeconds!, 0),
  };
}

const redis = await startRedis();
const dir = await mkdtemp(join(tmpdir(), 'hvsim-queue-bench-'));
const workers = await Promise.all(Array.from({ length: PARALLELISM }, () => startWorker(redis.url())));
try {
  const queue = () => queueExecutor(redis.url(), { version: CLI_VERSION });
  await timed('warm-up', 100, queue(), join(dir, 'warm-up'));
  const viaQueue = await timed('queue', RUNS, queue(), join(dir, 'queue'));
  const local = await timed('local', RUNS, localExecutor(PARALLELISM), join(dir, 'local'));
  const overhead = (viaQueue.seconds - viaQueue.runSeconds / PARALLELISM) / RUNS;
  report('sweep-queue', [
    {
      name: `queue: overhead per run, ${RUNS.toLocaleString('en')} tiny runs on ${PARALLELISM} workers`,
      unit: 'ms',
      value: overhead * 1000,
      target: 20,
      better: 'lower',
      note: `${viaQueue.seconds.toFixed(2)} s in all, the runs' own ${viaQueue.runSeconds.toFixed(2)} s over ${PARALLELISM}; coordinator, Redis and workers share the machine`,
    },
    {
      name: 'queue: runs per second',
      unit: 'runs/s',
      value: RUNS / viaQueue.seconds,
      better: 'higher',
    },
    {
      name: `local executor, the same runs on ${PARALLELISM} threads: runs per second`,
      unit: 'runs/s',
      value: RUNS / local.seconds,
      better: 'higher',
      note: `${local.seconds.toFixed(2)} s, starting its threads included; the runs' own ${local.runSeconds.toFixed(2)} s`,
    },
  ]);
} finally {
  await Promise.all(workers.map(stopProcess));
  await redis.dispose();
  await rm(dir, { recursive: true, force: true });
}
