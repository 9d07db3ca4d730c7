import {
  type AllocationInput,
  type AllocationPolicy,
  defineAllocationPolicy,
  requiredDurationOption,
  type SimTime,
} from '@hvsim/spec';
import { z } from 'zod';
import { DEFAULT_TAX_RATE } from './idle-tax';
import { type AllocationProblem, entitlements, waterFill, wholeTargets } from './min-funding';

const taxRate = z.number().min(0).lt(1);

/** Steps of a tax rate that an administrator changes during a run, in time order. */
const taxSchedule = z
  .array(z.object({ from: requiredDurationOption('host time the rate applies from'), tau: taxRate }))
  .min(1)
  .superRefine((steps, ctx) => {
    steps.forEach((step, i) => {
      if (i > 0 && step.from <= steps[i - 1]!.from) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'from'],
          message: 'expected steps in increasing time order',
        });
      }
    });
  });

export const idleTaxOptions = z.object({
  tau: z
    .union([taxRate, taxSchedule])
    .default(DEFAULT_TAX_RATE)
    .describe(
      'tax rate: the most of a VM’s idle memory that may be reclaimed (default 0.75; 0: pure shares); or steps [{ from: 31min, tau: 0.75 }, …] that change it during the run (the first step’s rate applies before it)',
    ),
  tax: z
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

/** The tax rate in force at host time `now`. */
export function taxRateAt(tau: IdleTaxOptions['tau'], now: SimTime): number {
  if (typeof tau === 'number') return tau;
  let rate = tau[0]!.tau;
  for (const step of tau) if (step.from <= now) rate = step.tau;
  return rate;
}

/** The allocation problem of a host's rebalance. */
export function problemOf(input: AllocationInput, options: IdleTaxOptions): AllocationProblem {
  return {
    available: input.available,
    tau: taxRateAt(options.tau, input.now),
    kind: options.tax,
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
