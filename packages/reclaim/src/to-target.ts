import {
  defineReclamationPolicy,
  type HostObservation,
  type ReclamationAction,
  type ReclamationPlan,
  type ReclamationPolicy,
} from '@hvsim/spec';
import { z } from 'zod';

export const toTargetOptions = z.object({
  balloon: z.string().min(1).default('balloon').describe('the mechanism that balloons (default balloon)'),
  page: z
    .string()
    .min(1)
    .default('host-swap')
    .describe(
      'the mechanism for a VM with no balloon to use, and that the emergency pager uses (default host-swap; compression puts the compression tier before swap)',
    ),
});

export type ToTargetOptions = z.output<typeof toTargetOptions>;

/**
 * Targets enforced as MEB enforces them (Zhao and Wang, VEE 2009): at every rebalance each VM above its target
 * is ballooned down to it — paged where no balloon is available — and each VM below gets its balloon back,
 * whatever free memory there is. The balloon drivers' own rates make the moves gradual.
 */
export function toTargetPlan(observation: HostObservation, options: ToTargetOptions): ReclamationPlan {
  const actions: ReclamationAction[] = [];
  for (const vm of observation.vms) {
    const excess = vm.allocated - vm.target;
    const ballooned = vm.mechanisms.includes(options.balloon);
    if (excess < 0 && ballooned) actions.push({ vm: vm.vm, mechanism: options.balloon, pages: excess });
    if (excess <= 0) continue;
    const mechanism = ballooned ? options.balloon : options.page;
    if (vm.mechanisms.includes(mechanism)) actions.push({ vm: vm.vm, mechanism, pages: excess });
  }
  return { actions, blocked: [] };
}

export const toTarget = defineReclamationPolicy({
  name: 'to-target',
  description:
    'MEB: balloon every VM to its target at each rebalance (page where no balloon), whatever is free',
  options: toTargetOptions,
  create: (options): ReclamationPolicy => ({
    contract: 'reclamation-policy@1',
    name: 'to-target',
    pager: options.page,
    plan: (observation) => toTargetPlan(observation, options),
  }),
});
