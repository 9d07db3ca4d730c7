import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSweep } from '@hvsim/scenario';
import { Job, Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  CLI_VERSION,
  type HvsimProcess,
  hvsim as hvsimProcess,
  startWorker,
  stopProcess,
  until,
} from './hvsim-process.fixture';
import { localExecutor } from './local-executor';
import { queueExecutor } from './queue-executor';
import { type QueuedRun, queueName } from './queue-protocol';
import { type RedisServer, startRedis } from './redis-server.fixture';
import type { RunResult } from './run-point';
import { runSweep } from './run-sweep';

// Workers are real `hvsim worker` processes. Two of them, on database SHARED, serve the tests that need no worker
// of their own (a process and its threads take seconds to load hvsim from source); a test that kills or places its
// worker takes a database of its own.
const version = CLI_VERSION;

/** The processes a test started, killed after it if still there. */
const started: HvsimProcess[] = [];

/** `hvsim <args>`, killed after the test, its temporary folders in the test's. */
function hvsim(args: readonly string[]): HvsimProcess {
  const process = hvsimProcess(args, { tmpdir: dir });
  started.push(process);
  return process;
}

/**
 * A job whose worker is gone (killed, or handed a job just as Redis stops) is found again once its lock expires:
 * locks short for that, yet a renewal (every half lock) may come 1.5 s late before a worker that is only slow, beside
 * other suites on a busy machine, loses its job to another and the run is counted twice.
 */
const SHORT_LOCKS = ['--lock-duration', '3000', '--stalled-interval', '1000'];

let redis: RedisServer;
let dir: string;
const SHARED = 1;
let shared: HvsimProcess[] = [];

/** What the shared workers print from now on: `lines()` gives their lines since. */
function sharedOutput(): { lines: () => string[] } {
  const from = shared.map((w) => w.stdout().length);
  return {
    lines: () =>
      shared.flatMap((w, i) => w.stdout().slice(from[i]).split('\n')).filter((line) => line !== ''),
  };
}

/** A worker process on database `db`, one run at once, killed after the test, its temporary folders in the test's. */
async function worker(db: number, extra: readonly string[] = [], cwd?: string): Promise<HvsimProcess> {
  const process = await startWorker(redis.url(db), extra, {
    tmpdir: dir,
    ...(cwd === undefined ? {} : { cwd }),
  });
  started.push(process);
  return process;
}

/** The queue of database `db`, to look at its jobs. */
function queueOf(db: number): Queue<QueuedRun, RunResult> {
  return new Queue(queueName(version), {
    connection: { host: '127.0.0.1', port: redis.port, db, maxRetriesPerRequest: null },
  });
}

/**
 * A sweep of the CLI's small scenario (`host.yaml` beside it) in folder `at`, whose VM a runs `workload`, and a
 * trace of page ids at `trace` (relative to `at`), the same every time. The scenario is named for the folder, so
 * no two tests' runs have the same hash.
 */
function writeSweep(
  at: string,
  matrix: Record<string, unknown[]>,
  { workload = '{ kind: zipf, pages: 0.8 }', trace = 'traces/t.txt' } = {},
): string {
  for (const folder of [at, join(at, trace, '..')]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(at, trace), Array.from({ length: 4000 }, (_, i) => String((i * 7919) % 700)).join('\n'));
  writeFileSync(
    join(at, 'host.yaml'),
    `name: ${basename(at)}
seed: 3
duration: 60ms
host: { memory: 6MiB, swap: 16MiB, quantum: 1ms, metricInterval: 10ms }
vms:
  - name: a
    memory: 4MiB
    guest: { kind: linux, bootTime: 5ms }
    workload: ${workload}
  - name: b
    memory: 4MiB
    guest: { kind: windows, bootTime: 5ms }
    workload: { kind: uniform, pages: 0.5 }
`,
  );
  writeFileSync(
    join(at, 'sweep.yaml'),
    stringify({ name: 'a test', scenario: './host.yaml', matrix, seeds: [1, 2] }),
  );
  return join(at, 'sweep.yaml');
}

/** The sweep's results.csv from the local executor, on a thread of this process. */
async function localResults(sweep: string, out: string): Promise<string> {
  await runSweep(await loadSweep(sweep), { out, executor: localExecutor(1), version });
  return readFileSync(join(out, 'results.csv'), 'utf8');
}

/** The hashes of a results.csv's rows, and whether each failed. */
const rowsOf = (csv: string) =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => ({ hash: line.slice(-64), failed: !/,,[0-9a-f]{64}$/.test(line) }));

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
  dir = await mkdtemp(join(tmpdir(), 'hvsim-queue-test-'));
  shared = await Promise.all([1, 2].map(() => startWorker(redis.url(SHARED), SHORT_LOCKS, { tmpdir: dir })));
}, 30_000);

afterEach(async () => {
  await Promise.all(
    started.splice(0).map((p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      return p.exited;
    }),
  );
});

afterAll(async () => {
  // Stopped as Ctrl-C stops them, after everything the tests put them through: they end cleanly.
  expect(await Promise.all(shared.map(stopProcess))).toEqual(shared.map(() => 0));
  await redis?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('hvsim sweep --queue with hvsim worker', () => {
  it("gives the local executor's results.csv byte for byte; a run's own failure comes back with its error, tried once", async () => {
    const sweep = writeSweep(
      join(dir, 'same-bytes'),
      { 'host.memory': ['6MiB', '8MiB'], 'vms[a].workload.path': ['traces/t.txt', 'traces/missing.txt'] },
      { workload: '{ kind: trace, format: txt, path: traces/t.txt, loop: true }' },
    );
    const output = sharedOutput();
    const local = localResults(sweep, join(dir, 'same-bytes-local'));
    const out = join(dir, 'same-bytes-queue');
    const coordinator = hvsim(['sweep', sweep, '--queue', redis.url(SHARED), '-o', out, '-q']);
    // Exit status 1: some runs failed.
    expect(await coordinator.exited).toBe(1);
    expect(coordinator.stderr()).toBe('');
    const csv = readFileSync(join(out, 'results.csv'), 'utf8');
    expect(csv).toBe(await local);
    const rows = rowsOf(csv);
    expect(rows.filter((row) => row.failed)).toHaveLength(4);
    const queue = queueOf(SHARED);
    for (const row of rows) {
      const job = (await Job.fromId<QueuedRun, RunResult>(queue, row.hash))!;
      expect([await job.getState(), job.attemptsMade, job.attemptsStarted]).toEqual(['completed', 1, 1]);
      if (row.failed) expect(job.returnvalue.error).toMatch(/traces\/missing\.txt: no such trace file/);
    }
    await queue.close();
    // Each run once, on one worker or the other.
    const lines = output.lines();
    expect(lines.filter((line) => line.startsWith('ran '))).toHaveLength(4);
    expect(lines.filter((line) => line.startsWith('failed '))).toHaveLength(4);
  }, 40_000);

  it('loses nothing when a worker is killed mid-run, or stopped: another runs the job again', async () => {
    const db = 2;
    const sweep = writeSweep(join(dir, 'killed'), { duration: ['6s', '60ms'] });
    const [killed, stopped] = await Promise.all([worker(db, SHORT_LOCKS), worker(db, SHORT_LOCKS)]);
    const queue = queueOf(db);
    const outcome = runSweep(await loadSweep(sweep), {
      out: join(dir, 'killed-out'),
      executor: queueExecutor(redis.url(db), { version, pollInterval: 200 }),
      version,
    });
    // Each worker is running a long run (a worker is named for its host and process: `processedBy`).
    const longRunOf = async (w: HvsimProcess) =>
      (await queue.getActive()).find(
        (job) => job.data.run.scenario['duration'] === '6s' && job.processedBy?.endsWith(`:${w.child.pid}`),
      )?.id;
    await until(
      async () => (await longRunOf(killed)) !== undefined && (await longRunOf(stopped)) !== undefined,
      'both workers on a long run',
    );
    const [lost, handedBack] = [(await longRunOf(killed))!, (await longRunOf(stopped))!];
    await sleep(300);
    killed.child.kill('SIGKILL');
    // Ctrl-C: the run in hand goes back to the queue at once, not when its lock expires.
    expect(await stopProcess(stopped)).toBe(0);
    expect(await queue.getJobState(handedBack)).toBe('waiting');
    const third = await worker(db, SHORT_LOCKS);
    const { rows, complete } = await outcome;
    expect(complete).toBe(true);
    expect(rows.map((row) => row.error)).toEqual([undefined, undefined, undefined, undefined]);
    const [a, b] = await Promise.all([lost, handedBack].map((id) => Job.fromId(queue, id)));
    expect([a!.stalledCounter, a!.attemptsStarted, a!.processedBy]).toEqual([
      1,
      2,
      expect.stringMatching(`:${third.child.pid}$`),
    ]);
    expect([b!.stalledCounter, b!.attemptsStarted, b!.processedBy]).toEqual([
      0,
      2,
      expect.stringMatching(`:${third.child.pid}$`),
    ]);
    await queue.close();
    expect(await stopProcess(third)).toBe(0);
  }, 40_000);

  it('loses nothing when Redis restarts mid-sweep (appendonly)', async () => {
    const sweep = writeSweep(join(dir, 'restart'), { duration: ['4s', '5s', '6s'] });
    let done = 0;
    const outcome = runSweep(await loadSweep(sweep), {
      out: join(dir, 'restart-out'),
      executor: queueExecutor(redis.url(SHARED), { version, pollInterval: 200 }),
      version,
      onProgress: (p) => {
        done = p.done;
      },
    });
    await until(() => done >= 1, 'a first run');
    await redis.stop();
    const doneWhileDown = done;
    await sleep(500);
    await redis.start();
    const { rows, complete } = await outcome;
    expect(doneWhileDown).toBeLessThan(6);
    expect(complete).toBe(true);
    expect(rows.every((row) => row.error === undefined)).toBe(true);
    expect(done).toBe(6);
  }, 40_000);

  it('a coordinator killed and started again, and a second one beside it, neither lose nor repeat a run', async () => {
    const sweep = writeSweep(join(dir, 'coordinators'), { duration: ['3s', '4s', '5s'] });
    const output = sharedOutput();
    const out = join(dir, 'coordinators-out');
    const args = (to: string) => ['sweep', sweep, '--queue', redis.url(SHARED), '-o', to, '-q'];
    const first = hvsim(args(out));
    const kept = () =>
      existsSync(join(out, 'runs'))
        ? readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json')).length
        : 0;
    await until(() => kept() >= 2, 'two runs kept');
    first.child.kill('SIGKILL');
    // The workers go on with the queued runs while no coordinator is there.
    const queue = queueOf(SHARED);
    await until(
      async () => (await queue.getJobCountByTypes('waiting', 'active')) === 0,
      'the queue to drain',
    );
    const [again, beside] = [hvsim(args(out)), hvsim(args(join(dir, 'coordinators-beside')))];
    expect(await Promise.all([again.exited, beside.exited])).toEqual([0, 0]);
    expect(again.stdout()).toMatch(/6 runs: \d finished, 0 failed, [2-6] done before/);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8');
    expect(readFileSync(join(dir, 'coordinators-beside', 'results.csv'), 'utf8')).toBe(csv);
    // Each run was taken once.
    for (const { hash } of rowsOf(csv)) {
      expect((await Job.fromId(queue, hash))!.attemptsStarted).toBe(1);
    }
    expect(output.lines().filter((line) => line.startsWith('ran '))).toHaveLength(6);
    await queue.close();
  }, 40_000);

  it("carries a scenario's relative files to a worker that cannot see them, in another folder", async () => {
    const db = 3;
    // The scenario climbs out of its folder for the trace: project/sweeps/host.yaml names project/traces/t.txt.
    const project = join(dir, 'project');
    const sweep = writeSweep(
      join(project, 'sweeps'),
      { 'host.memory': ['6MiB', '8MiB'] },
      {
        workload: '{ kind: trace, format: txt, path: ../traces/t.txt, loop: true }',
        trace: '../traces/t.txt',
      },
    );
    const local = await localResults(sweep, join(dir, 'files-local'));
    const queue = queueOf(db);
    const outcome = runSweep(await loadSweep(sweep), {
      out: join(dir, 'files-queue'),
      executor: queueExecutor(redis.url(db), { version, pollInterval: 200 }),
      version,
    });
    await until(async () => (await queue.getJobCountByTypes('waiting')) === 4, 'the runs to be queued');
    renameSync(project, join(dir, 'project-gone'));
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const w = await worker(db, [], elsewhere);
    await outcome;
    expect(readFileSync(join(dir, 'files-queue', 'results.csv'), 'utf8')).toBe(local);
    expect(rowsOf(local).some((row) => row.failed)).toBe(false);
    await queue.close();
    expect(await stopProcess(w)).toBe(0);
  }, 40_000);
});
