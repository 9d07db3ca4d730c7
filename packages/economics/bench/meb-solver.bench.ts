/**
 * MEB solver benchmarks (issue: cooperative reclamation and balancing): targets for 64 VMs from 1,024-point
 * miss curves, one rebalance — the greedy solver under 10 ms, the exact one under 1 s. The curves are on a
 * grid of host memory (1,024 units: the whole host), each a mix of a working-set knee and a long tail, so
 * neither solver has an easy case.
 */
import { report, throughput } from '@hvsim/bench-kit';
import { createRandom } from '@hvsim/spec';
import { type BalanceProblem, exactBalance, greedyBalance } from '../src/meb-solver';

const VMS = 64;
const POINTS = 1024;
const random = createRandom(9).split('meb-bench');
const problem: BalanceProblem = {
  budget: POINTS,
  vms: Array.from({ length: VMS }, () => {
    const knee = 16 + random.nextInt(256);
    const references = 1e6 * (1 + random.nextInt(10));
    const misses = Float64Array.from({ length: POINTS }, (_, k) => {
      const inSet = Math.max(0, 1 - k / knee); // uniform over the working set
      const tail = 0.05 * Math.exp(-k / (4 * knee)); // a scan-like tail beyond it
      return references * (0.9 * inSet + tail);
    });
    return { min: random.nextInt(4), max: POINTS - 1, misses };
  }),
};

async function figure(name: 'greedy' | 'exact', target: number) {
  const solve = name === 'greedy' ? greedyBalance : exactBalance;
  const perSecond = await throughput(`meb ${name}, ${VMS} VMs`, 1, () => {
    solve(problem);
  });
  return {
    name: `MEB targets, ${VMS} VMs with ${POINTS}-point curves, ${name} solver (one rebalance)`,
    unit: 'ms',
    value: 1000 / perSecond,
    target,
    better: 'lower' as const,
    note: `${VMS} VMs sharing ${POINTS} units of host memory; median of per-call times`,
  };
}

report('meb-solver', [await figure('greedy', 10), await figure('exact', 1000)]);
