import { join } from 'node:path';
import { loadSweep } from '@hvsim/scenario';
import { expect, test } from 'vitest';
import { runHash } from './point-hash';
import { runJob } from './run-point';
import { summaryMetrics } from './summary-metrics';

const STUDY = join(import.meta.dirname, '..', '..', '..', 'examples', 'sweeps', 'overcommit.yaml');

test("the README's example study plans, and its first run gives every metric", async () => {
  const plan = await loadSweep(STUDY);
  expect(plan.axes).toEqual(['vms[vm].count', 'policy']);
  expect(plan.points).toHaveLength(20);
  expect(plan.seeds).toEqual([1, 2, 3]);
  const scenario = { ...plan.points[0]!.scenario, seed: 1, duration: '10s' };
  const result = await runJob(
    { hash: runHash(scenario, 'test', []), scenario, baseDir: plan.baseDir, source: STUDY, files: [] },
    () => performance.now(),
  );
  expect(result.error).toBeUndefined();
  const metrics = summaryMetrics(result.summary!, plan.sweep.metrics!, false);
  expect(Object.keys(metrics)).toEqual(['throughput', 'swappedMiB', 'doublePaging']);
  expect(metrics['throughput']).toBeGreaterThan(0);
}, 30_000);
