import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSweep } from '@hvsim/scenario';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { SweepExecutor } from './executor';
import { localExecutor } from './local-executor';
import { runJob } from './run-point';
import { runSweep } from './run-sweep';

const SCENARIO = {
  name: 'two vms',
  duration: '40ms',
  host: { memory: '6MiB', swap: '64MiB', quantum: '1ms', metricInterval: '10ms' },
  vms: [
    {
      name: 'web',
      memory: '4MiB',
      guest: { kind: 'linux', bootTime: '5ms' },
      workload: { kind: 'zipf', pages: 0.8 },
    },
    {
      name: 'db',
      memory: '4MiB',
      guest: { kind: 'windows', bootTime: '5ms' },
      workload: { kind: 'uniform', pages: 0.5 },
    },
  ],
};

const plan = (fields: Record<string, unknown> = {}) =>
  parseSweep(
    stringify({
      name: 'test sweep',
      scenario: SCENARIO,
      matrix: { 'host.memory': ['6MiB', '10MiB'], 'policies.stack': ['esx', 'cmm1'] },
      seeds: [1, 2],
      metrics: { throughput: 'vms[*].throughput | sum', swapped: 'vms[*].swappedMiB | sum' },
      ...fields,
    }),
    'sweep.yaml',
    '/nowhere',
  );

/** Runs every job in this thread, in order, counting them: a test's executor. */
function inProcess(): SweepExecutor & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    async run(jobs, onResult, signal) {
      for (const job of jobs) {
        if (signal.aborted) return;
        ran.push(job.hash);
        await onResult(await runJob(job, () => performance.now()));
      }
    },
  };
}

const folder = () => mkdtempSync(join(tmpdir(), 'hvsim-sweep-'));
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

// Each test runs whole sweeps, up to 20 runs of the two-VM scenario: about 50 ms a run alone, four to five times
// that was measured beside another suite on the busy 2-core CI machine, where vitest's default of 5 s came close.
describe('running a sweep', { timeout: 30_000 }, () => {
  test('runs each point once per seed and writes results, summary, chart and the sweep as resolved', async () => {
    const out = folder();
    const executor = inProcess();
    const outcome = await runSweep(await plan(), { out, executor, version: 'test' });
    expect(executor.ran).toHaveLength(8);
    expect(outcome.complete).toBe(true);
    expect(outcome.progress).toEqual({ total: 8, done: 8, failed: 0, skipped: 0 });
    const csv = read(out, 'results.csv').trimEnd().split('\n');
    expect(csv[0]).toBe('host.memory,policies.stack,seed,throughput,swapped,error,hash');
    expect(csv.slice(1).map((line) => line.split(',').slice(0, 3).join(' '))).toEqual([
      '6MiB esx 1',
      '6MiB esx 2',
      '6MiB cmm1 1',
      '6MiB cmm1 2',
      '10MiB esx 1',
      '10MiB esx 2',
      '10MiB cmm1 1',
      '10MiB cmm1 2',
    ]);
    const summary = read(out, 'summary.csv').trimEnd().split('\n');
    expect(summary[0]).toBe(
      'host.memory,policies.stack,runs,failed,throughput.n,throughput.mean,throughput.sd,throughput.ci95Low,throughput.ci95High,swapped.n,swapped.mean,swapped.sd,swapped.ci95Low,swapped.ci95High',
    );
    expect(summary).toHaveLength(5);
    // Overcommitted 6 MiB swaps; 10 MiB holds both VMs.
    const swapped = (line: string) => Number(line.split(',')[10]);
    expect(swapped(summary[1]!)).toBeGreaterThan(0);
    expect(swapped(summary[3]!)).toBe(0);
    const json = JSON.parse(read(out, 'results.json')) as { runs: { wallSeconds: number; hash: string }[] };
    expect(json.runs).toHaveLength(8);
    expect(json.runs.every((run) => run.wallSeconds > 0)).toBe(true);
    expect(read(out, 'sweep.yaml')).toContain('memory: 6MiB');
    expect(read(out, 'chart.svg')).toContain('<svg');
    expect(readdirSync(join(out, 'runs'))).toHaveLength(8);
  });

  test('resumes: runs already in the folder are not run again, and new seeds run alone', async () => {
    const out = folder();
    await runSweep(await plan(), { out, executor: inProcess(), version: 'test' });
    const first = read(out, 'results.csv');
    const again = inProcess();
    const outcome = await runSweep(await plan(), { out, executor: again, version: 'test' });
    expect(again.ran).toHaveLength(0);
    expect(outcome.progress).toMatchObject({ total: 8, done: 8, skipped: 8 });
    expect(read(out, 'results.csv')).toBe(first);
    const more = inProcess();
    await runSweep(await plan({ seeds: [1, 2, 3] }), { out, executor: more, version: 'test' });
    expect(more.ran).toHaveLength(4);
    // Another version of hvsim never takes these results for its own.
    const other = inProcess();
    await runSweep(await plan(), { out, executor: other, version: 'other' });
    expect(other.ran).toHaveLength(8);
  });

  test('stopped, keeps every run that finished and writes what it has; started again, runs the rest', async () => {
    const out = folder();
    const controller = new AbortController();
    const executor = inProcess();
    const outcome = await runSweep(await plan(), {
      out,
      executor,
      version: 'test',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 3) controller.abort();
      },
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.rows).toHaveLength(3);
    expect(read(out, 'results.csv').trimEnd().split('\n')).toHaveLength(4);
    const rest = inProcess();
    const resumed = await runSweep(await plan(), { out, executor: rest, version: 'test' });
    expect(rest.ran).toHaveLength(5);
    expect(resumed.complete).toBe(true);
  });

  test('reports a run that fails for its own reason with its error, and tries it again next time', async () => {
    const out = folder();
    // A guest without swap whose workload needs more memory than it has runs out of memory.
    const p = await plan({
      matrix: { 'vms[web].workload.pages': ['2MiB', '7MiB'] },
      seeds: [1],
      scenario: {
        ...SCENARIO,
        vms: [{ ...SCENARIO.vms[0], guest: { kind: 'linux', bootTime: '5ms', swap: '0MiB' } }],
      },
    });
    const outcome = await runSweep(p, { out, executor: inProcess(), version: 'test' });
    expect(outcome.progress.failed).toBe(1);
    const failed = outcome.rows.find((row) => row.error !== undefined)!;
    expect(failed.error).toContain('the guest found no page to reclaim');
    expect(read(out, 'results.csv')).toContain(failed.hash);
    const again = inProcess();
    await runSweep(p, { out, executor: again, version: 'test' });
    expect(again.ran).toEqual([failed.hash]);
  });

  test('runs two points that make the same scenario once, and counts both', async () => {
    const executor = inProcess();
    const outcome = await runSweep(
      await plan({
        matrix: { 'host.memory': ['6MiB'] },
        variants: { policy: { ESX: { 'policies.stack': 'esx' }, 'ESX again': { 'policies.stack': 'esx' } } },
        seeds: [1],
      }),
      { out: folder(), executor, version: 'test' },
    );
    expect(executor.ran).toHaveLength(1);
    expect(outcome.progress).toEqual({ total: 2, done: 2, failed: 0, skipped: 0 });
    expect(outcome.complete).toBe(true);
    expect(outcome.rows.map((row) => row.values['policy'])).toEqual(['ESX', 'ESX again']);
  });

  test('checks its metrics and charts against every point before anything runs', async () => {
    const out = folder();
    const executor = inProcess();
    await expect(
      runSweep(await plan({ metrics: { web: 'vms[web].thruput' } }), { out, executor, version: 'test' }),
    ).rejects.toThrow(/metrics\.web: expected vms\[web\]\.thruput to be a number.*\(at host\.memory=6MiB/);
    await expect(
      runSweep(await plan({ chart: { x: 'host.memory', y: 'speed' } }), { out, executor, version: 'test' }),
    ).rejects.toThrow('chart.y: expected a metric (throughput, swapped), got "speed"');
    expect(executor.ran).toHaveLength(0);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });

  test('without metrics, records every figure of the summary, for every VM of any point', async () => {
    const out = folder();
    const outcome = await runSweep(
      await plan({ metrics: undefined, matrix: { 'vms[db].count': [1, 2] }, seeds: [1] }),
      { out, executor: inProcess(), version: 'test' },
    );
    expect(outcome.metrics).toContain('db1.throughput');
    expect(outcome.metrics).toContain('db2.throughput');
    expect(outcome.metrics).toContain('db.throughput');
    // The point with one db has no db1: an empty cell, not an error.
    expect(outcome.rows[0]!.metrics['db1.throughput']).toBeNaN();
    expect(outcome.rows[0]!.metrics['db.throughput']).toBeGreaterThan(0);
    expect(read(out, 'chart.svg')).toContain('<svg');
  });

  test('gives the same results.csv, byte for byte, on threads as in one thread', async () => {
    const [one, threads] = [folder(), folder()];
    await runSweep(await plan(), { out: one, executor: inProcess(), version: 'test' });
    await runSweep(await plan(), { out: threads, executor: localExecutor(2), version: 'test' });
    expect(read(threads, 'results.csv')).toBe(read(one, 'results.csv'));
    expect(read(threads, 'summary.csv')).toBe(read(one, 'summary.csv'));
  }, 60_000);
});
