import { join } from 'node:path';
import { parseSweep, type SweepPlan } from '@hvsim/scenario';

/** One point of the README's example study (3 VMs under ESX, 30 simulated minutes: runs of a few seconds, as a study's are), once per seed. */
export const localBenchPlan = (seeds: readonly number[]): Promise<SweepPlan> =>
  parseSweep(
    `name: equal runs
scenario: ./host.yaml
matrix: { 'vms[vm].count': [3] }
variants: { policy: { ESX: { policies.stack: esx, duration: 30min } } }
seeds: [${seeds.join(', ')}]
metrics: { throughput: 'vms[*].throughput | sum' }`,
    'bench',
    join(import.meta.dirname, '..', '..', '..', 'examples', 'sweeps'),
  );
