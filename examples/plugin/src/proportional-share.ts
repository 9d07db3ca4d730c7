import { type AllocationInput, defineAllocationPolicy } from '@hvsim/spec';
import { z } from 'zod';

/**
 * Memory in proportion to shares, each VM held within its min and max: target = clamp(λ · shares, min, max),
 * with the level λ at which the targets fill what is available (less a headroom), found by bisection and
 * rounded down to whole pages, so the targets never add up to more than is available.
 */
export function proportionalTargets(input: AllocationInput, headroom: number): Float64Array {
  const { vms } = input;
  const at = (level: number) =>
    Float64Array.from(vms, (vm) => Math.floor(Math.min(vm.max, Math.max(vm.min, level * vm.shares))));
  const total = (targets: Float64Array) => targets.reduce((sum, t) => sum + t, 0);
  const budget = Math.floor(input.available * (1 - headroom));
  let low = 0;
  let high = Math.max(0, ...vms.map((vm) => (vm.shares > 0 ? vm.max / vm.shares : 0)));
  if (total(at(high)) <= budget) return at(high);
  for (let step = 0; step < 64; step++) {
    const mid = (low + high) / 2;
    if (total(at(mid)) <= budget) low = mid;
    else high = mid;
  }
  return at(low); // the mins alone when even they take more than the budget (admission keeps them in)
}

export const proportionalShare = defineAllocationPolicy({
  name: 'proportional-share',
  description: 'Memory in proportion to shares, never below a VM’s min nor above its max, less a headroom.',
  options: z.object({
    headroom: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe('share of the available memory left out of the targets, for bursts to grow into (default 0)'),
  }),
  create: (options) => ({
    contract: 'allocation-policy@1',
    name: 'proportional-share',
    targets: (input) => proportionalTargets(input, options.headroom),
  }),
});
