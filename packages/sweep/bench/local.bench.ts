/**
 * The local executor's speedup (issue: sweeps): the same 8 equal runs — one point of the README's example
 * study, 8 seeds — swept on one thread and on two, each into a fresh folder; target at least 1.8× on this
 * 2-core machine. Each sweep is timed from its first progress report to its last run (the threads' start
 * included; results and charts written after are left out, as in the queue's benchmark). One-thread and
 * two-thread sweeps alternate; the figure is the median of 3 pairs' ratios.
 * Beside it, the machine's own ceiling: one run alone in a process against two such processes at once (the
 * speedup no executor can pass here), a figure for information.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { report } from '@hvsim/bench-kit';
import { localExecutor, runSweep } from '../src/index';
import { localBenchPlan } from './local-plan';

const plan = await localBenchPlan([1, 2, 3, 4, 5, 6, 7, 8]);

/** Wall seconds of one run in a process of its own (`one-run.ts`), timed inside it. */
const oneRun = async (): Promise<number> => {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--conditions=@hvsim/source',
    '--import',
    'tsx',
    join(import.meta.dirname, 'one-run.ts'),
  ]);
  return Number(stdout.trim());
};

/** Wall seconds of the sweep on `threads` threads, into a folder of its own. */
async function sweep(threads: number): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'hvsim-sweep-bench-'));
  let start = 0;
  let end = 0;
  const outcome = await runSweep(plan, {
    out,
    executor: localExecutor(threads),
    version: 'bench',
    onProgress: ({ done }) => {
      if (done === 0) start = performance.now();
      else end = performance.now();
    },
  });
  const seconds = (end - start) / 1000;
  rmSync(out, { recursive: true });
  if (outcome.progress.done !== 8 || outcome.progress.failed > 0)
    throw new Error('expected 8 runs to finish');
  return seconds;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

await sweep(2); // warm up: the first threads compile everything once
const ratios: number[] = [];
const times = { one: [] as number[], two: [] as number[] };
for (let i = 0; i < 3; i++) {
  const one = await sweep(1);
  const two = await sweep(2);
  times.one.push(one);
  times.two.push(two);
  ratios.push(one / two);
}
const alone: number[] = [];
const paired: number[] = [];
for (let i = 0; i < 3; i++) {
  alone.push(await oneRun());
  paired.push(...(await Promise.all([oneRun(), oneRun()])));
}
const ceiling = (2 * median(alone)) / median(paired);

report('sweep-local', [
  {
    name: 'local executor: 8 equal runs on 2 threads against 1',
    unit: '×',
    value: median(ratios),
    target: 1.8,
    better: 'higher',
    note: `median of 3 alternating pairs; 1 thread ${median(times.one).toFixed(2)} s, 2 threads ${median(times.two).toFixed(2)} s (medians)`,
  },
  {
    name: "this machine's ceiling: 2 processes of 1 run at once against 1 alone",
    unit: '×',
    value: ceiling,
    better: 'higher',
    note: `a run takes ${median(alone).toFixed(2)} s alone and ${median(paired).toFixed(2)} s beside another (medians of 3 and 6)`,
  },
]);
