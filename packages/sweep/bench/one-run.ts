/**
 * One run of the local benchmark's point in this process, printing its wall seconds: two of these at once show
 * how much two runs slow each other on this machine, whatever runs them.
 */

import { runHash } from '../src/point-hash';
import { runJob } from '../src/run-point';
import { localBenchPlan } from './local-plan';

const plan = await localBenchPlan([1]);
const scenario = { ...plan.points[0]!.scenario, seed: 1 };
const job = {
  hash: runHash(scenario, 'bench', []),
  scenario,
  baseDir: plan.baseDir,
  source: 'bench',
  files: [],
};
await runJob(job, () => performance.now()); // warm up
const result = await runJob(job, () => performance.now());
console.log(result.wallSeconds);
