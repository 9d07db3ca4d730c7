import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AllocationInput, defineAllocationPolicy } from '../contracts/allocation';
import { checkAllocationPolicyConformance } from './allocation-conformance';

type Fault = 'below-min' | 'above-max' | 'over-available' | 'fraction' | 'count' | 'mutates' | 'random';

/** A toy policy: every VM its min, then what is left to the VMs in order up to their max; `fault` breaks it. */
const toy = (fault?: Fault) =>
  defineAllocationPolicy({
    name: 'toy',
    options: z.object({}),
    create: (_options, ctx) => ({
      contract: 'allocation-policy@1',
      name: 'toy',
      targets(input: AllocationInput) {
        let left = input.available - input.vms.reduce((sum, vm) => sum + vm.min, 0);
        const targets = input.vms.map((vm) => {
          const give = Math.min(left, vm.max - vm.min);
          left -= give;
          return vm.min + give;
        });
        if (fault === 'below-min') targets[0] = input.vms[0]!.min - 1;
        if (fault === 'above-max') targets[0] = input.vms[0]!.max + 1;
        if (fault === 'over-available') targets[0] = Math.min(input.vms[0]!.max, input.available + 1);
        if (fault === 'fraction') targets[0]! += targets[0]! < input.vms[0]!.max ? 0.5 : -0.5;
        if (fault === 'count') targets.push(0);
        if (fault === 'mutates') (input as { available: number }).available = 0;
        if (fault === 'random') {
          // Anywhere above a minimum, a draw over all of that room: two calls differ on nearly every input
          // that gives some VM more than its minimum, so no seed of the property lets it pass.
          const i = targets.findIndex((target, k) => target > input.vms[k]!.min);
          if (i >= 0)
            targets[i] = input.vms[i]!.min + ctx.random.nextInt(targets[i]! - input.vms[i]!.min + 1);
        }
        return Float64Array.from(targets);
      },
    }),
  });

describe('checkAllocationPolicyConformance', () => {
  it('passes a policy that keeps the contract', () => {
    expect(() => checkAllocationPolicyConformance(toy(), { numRuns: 50 })).not.toThrow();
  });

  it.each([
    ['below-min', /expected a target within/],
    ['above-max', /expected a target within/],
    ['over-available', /more than the \d+ available/],
    ['fraction', /expected whole pages/],
    ['count', /one per VM/],
    ['mutates', /changed its input/],
    ['random', /different targets/],
  ] as const)('catches a policy that breaks it: %s', (fault, message) => {
    let failure: unknown;
    try {
      checkAllocationPolicyConformance(toy(fault), { numRuns: 100 });
    } catch (error) {
      failure = error;
    }
    expect(String((failure as Error | undefined)?.cause)).toMatch(message);
  });
});
