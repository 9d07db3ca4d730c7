/**
 * The local executor's speedup (issue: sweeps): the same 8 equal runs — one point of the README's example
 * study, 8 seeds — swept on one thread and on two, each into a fresh folder; target at least 1.8× on this
 * 2-core machine. One-thread and two-thread sweeps alternate; the figure is the median of 3 pairs' ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from '@hvsim/bench-kit';
import { parseSweep } from '@hvsim/scenario';
import { localExecutor, runSweep } from '../src/index';

const study = join(import.meta.dirname, '..', '..', '..', 'examples', 'sweeps');
const plan = await parseSweep(
  `name: eight equal runs
scenario: ./host.yaml
matrix: { 'vms[vm].count': [3] }
variants: { policy: { ESX: { policies.stack: esx, duration: 10min } } }
seeds: [1, 2, 3, 4, 5, 6, 7, 8]
metrics: { throughput: 'vms[*].throughput | sum' }`,
  'bench',
  study,
);

/** Wall seconds of the sweep on `threads` threads, into a folder of its own. */
async function sweep(threads: number): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'hvsim-sweep-bench-'));
  const start = performance.now();
  const outcome = await runSweep(plan, { out, executor: localExecutor(threads), version: 'bench' });
  const seconds = (performance.now() - start) / 1000;
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
report('sweep-local', [
  {
    name: 'local executor: 8 equal runs on 2 threads against 1',
    unit: '×',
    value: median(ratios),
    target: 1.8,
    better: 'higher',
    note: `median of 3 alternating pairs; 1 thread ${median(times.one).toFixed(2)} s, 2 threads ${median(times.two).toFixed(2)} s (medians)`,
  },
]);
