import {
  type AllocationInput,
  type AllocationPolicy,
  type AllocationVm,
  defineAllocationPolicy,
  missRatioAt,
} from '@hvsim/spec';
import { z } from 'zod';
import { type BalanceProblem, exactBalance, greedyBalance } from './meb-solver';

export const mebOptions = z.object({
  solver: z
    .enum(['greedy', 'exact'])
    .default('greedy')
    .describe(
      'greedy: marginal gains along convex hulls (fast; optimal on convex curves); exact: dynamic programme',
    ),
  grid: z
    .number()
    .int()
    .min(2)
    .max(4096)
    .default(256)
    .describe('units the available memory is cut into for the solver (default 256)'),
});

export type MebOptions = z.output<typeof mebOptions>;

/**
 * A VM's predicted misses with its minimum plus k units of `unit` pages: its miss-ratio curve times its
 * references — or, for a VM whose detector publishes no curve, a step at its working set.
 */
function missCurve(vm: AllocationVm, unit: number, units: number): Float64Array {
  const curve = vm.missRatioCurve;
  return Float64Array.from({ length: units + 1 }, (_, k) => {
    const size = vm.min + k * unit;
    return curve ? curve.references * missRatioAt(curve, size) : size >= vm.activePages ? 0 : 1;
  });
}

/**
 * MEB's balancer (Zhao and Wang, VEE 2009): when every VM's working set fits, each gets it and the slack is
 * shared evenly; otherwise the targets that minimise the total predicted misses, from each VM's miss-ratio
 * curve (the LRU-statistics detector publishes one, swap monitoring included). Each VM keeps its minimum; the
 * memory above the minimums is cut into `grid` units for the solver. Targets stay within each VM's min and
 * max and add up to at most what is available.
 */
export function mebTargets(input: AllocationInput, options: MebOptions): Float64Array {
  const { vms, available } = input;
  const wss = vms.map((vm) => Math.min(vm.max, Math.max(vm.min, vm.activePages)));
  if (wss.reduce((a, b) => a + b, 0) <= available) return shareSlack(vms, wss, available);
  const above = available - vms.reduce((a, vm) => a + vm.min, 0);
  const unit = Math.max(1, Math.floor(above / options.grid));
  const budget = Math.max(0, Math.floor(above / unit));
  const problem: BalanceProblem = {
    budget,
    vms: vms.map((vm) => ({
      min: 0,
      max: Math.floor((vm.max - vm.min) / unit),
      misses: missCurve(vm, unit, Math.min(budget, Math.floor((vm.max - vm.min) / unit))),
    })),
  };
  const units = options.solver === 'exact' ? exactBalance(problem) : greedyBalance(problem);
  return Float64Array.from(vms, (vm, i) => vm.min + units[i]! * unit);
}

/** Working sets first, then what is left shared evenly among the VMs below their max (water-filling). */
function shareSlack(vms: readonly AllocationVm[], wss: readonly number[], available: number): Float64Array {
  const targets = Float64Array.from(wss);
  let left = available - wss.reduce((a, b) => a + b, 0);
  for (let open = vms.filter((vm, i) => targets[i]! < vm.max).length; left > 0 && open > 0; ) {
    const share = Math.max(1, Math.floor(left / open));
    open = 0;
    vms.forEach((vm, i) => {
      const give = Math.min(share, vm.max - targets[i]!, left);
      targets[i]! += give;
      left -= give;
      if (targets[i]! < vm.max) open++;
    });
  }
  return targets;
}

export const mebBalancer = defineAllocationPolicy({
  name: 'meb',
  description:
    'MEB: working sets when they fit, else the targets with the fewest predicted misses (miss-ratio curves)',
  options: mebOptions,
  create: (options): AllocationPolicy => ({
    contract: 'allocation-policy@1',
    name: 'meb',
    targets: (input) => mebTargets(input, options),
  }),
});
