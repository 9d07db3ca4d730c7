import { type AllocationInput, type AllocationPolicy, defineAllocationPolicy } from '@hvsim/spec';
import { z } from 'zod';
import { DEFAULT_TAX_RATE } from './idle-tax';
import { type AllocationProblem, entitlements, waterFill, wholeTargets } from './min-funding';

export const idleTaxOptions = z.object({
  tau: z
    .number()
    .min(0)
    .lt(1)
    .default(DEFAULT_TAX_RATE)
    .describe(
      'tax rate: the most of a VM’s idle memory that may be reclaimed (default 0.75; 0: pure shares)',
    ),
  kind: z
    .enum(['flat', 'progressive'])
    .default('flat')
    .describe('flat: every idle page costs 1/(1 − tau); progressive: the rate grows with the idle share'),
  mode: z
    .enum(['work-conserving', 'isolation'])
    .default('work-conserving')
    .describe(
      'work-conserving: memory others leave goes to who pays most for it; isolation: no VM beyond its pure share entitlement, even if memory stays free',
    ),
});

export type IdleTaxOptions = z.output<typeof idleTaxOptions>;

/** The allocation problem of a host's rebalance. */
export function problemOf(input: AllocationInput, options: IdleTaxOptions): AllocationProblem {
  return {
    available: input.available,
    tau: options.tau,
    kind: options.kind,
    vms: input.vms.map((vm) => ({ min: vm.min, max: vm.max, shares: vm.shares, active: vm.activePages })),
  };
}

/**
 * ESX's allocation (Waldspurger 2002, §5–6): min-funding revocation with the idle memory tax, in closed form,
 * as whole pages. In isolation mode no VM's target passes its pure share entitlement.
 */
export function idleTaxTargets(input: AllocationInput, options: IdleTaxOptions): Float64Array {
  const problem = problemOf(input, options);
  let targets = waterFill(problem);
  let caps: ArrayLike<number> = input.vms.map((vm) => vm.max);
  if (options.mode === 'isolation') {
    caps = entitlements(problem).map((e, i) => Math.min(e, input.vms[i]!.max));
    targets = targets.map((t, i) => Math.min(t, caps[i]!));
  }
  return wholeTargets(targets, caps, input.available);
}

export const idleTax = defineAllocationPolicy({
  name: 'idle-tax',
  description:
    'ESX: shares, min-funding revocation and the idle memory tax (tau 0 for pure proportional share)',
  options: idleTaxOptions,
  create: (options): AllocationPolicy => ({
    contract: 'allocation-policy@1',
    name: 'idle-tax',
    targets: (input) => idleTaxTargets(input, options),
  }),
});
