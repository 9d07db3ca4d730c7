import {
  defineReclamationPolicy,
  type HostObservation,
  type Pages,
  periodOption,
  type ReclamationAction,
  type ReclamationPlan,
  type ReclamationPolicy,
  type SimTime,
  type VmId,
  type VmObservation,
} from '@hvsim/spec';
import { z } from 'zod';
import { hostShareOption as share } from './host-share-option';

export const vmrmOptions = z
  .object({
    interval: periodOption('how often VMRM reads the monitor data and decides', { default: '60s' }),
    low: share('free memory below which the host is constrained: guests are asked to shrink', 0.05),
    high: share('free memory the requests aim to restore; above it they are relaxed', 0.1),
    relax: z
      .number()
      .gt(0)
      .max(1)
      .default(0.25)
      .describe('share of the pages asked for that is given back per interval above high (default 0.25)'),
    cmm: z.string().min(1).default('cmm1').describe('the mechanism that sends SHRINK (default cmm1)'),
    page: z
      .string()
      .min(1)
      .default('host-swap')
      .describe('the mechanism z/VM’s own paging uses below low, at every rebalance (default host-swap)'),
  })
  .refine((o) => o.interval > 0, { path: ['interval'], message: 'expected a positive duration' })
  .refine((o) => o.low < o.high, { path: ['high'], message: 'expected high above low' });

export type VmrmOptions = z.output<typeof vmrmOptions>;

/**
 * Actions moving `pages` (negative: giving back) through `mechanism`, shared out among `vms` in proportion to
 * `weight`: whole pages adding up to `pages`, those left over by rounding down going to the largest
 * remainders (the first VM on a tie). VMs given none get no action.
 */
function spread(
  vms: readonly VmObservation[],
  weight: (vm: VmObservation) => number,
  pages: Pages,
  mechanism: string,
): ReclamationAction[] {
  const weights = vms.map(weight);
  const sum = weights.reduce((a, w) => a + w, 0);
  if (sum === 0) return [];
  const total = Math.abs(pages);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  const remainder = (i: number) => exact[i]! - parts[i]!;
  const order = parts.map((_, i) => i).sort((a, b) => remainder(b) - remainder(a) || a - b);
  let left = total - parts.reduce((a, p) => a + p, 0);
  for (const i of order) if (left-- > 0) parts[i]!++;
  return vms.flatMap((vm, i) =>
    parts[i]! > 0 ? [{ vm: vm.vm, mechanism, pages: Math.sign(pages) * parts[i]! }] : [],
  );
}

/**
 * A stand-in for z/VM's VM Resource Manager driving CMM1 (reference §1.2.2; VMRM's own formula and monitor
 * interval are not published). Once an `interval` it reads the monitor: free memory below `low`, or z/VM paging
 * since the last decision, means the host is constrained, and each guest with the module is asked to shrink by
 * its share of the resident frames times the deficit — what is missing up to `high` plus what z/VM paged — as
 * an absolute SHRINK target that holds until changed; above `high` the
 * guests get back `relax` of what they were asked for, no more than free memory above `high`. Between
 * decisions it sends nothing. VMRM knows nothing of allocation targets, and uses only SHRINK, as z/VM's does.
 * z/VM pages on its own whatever VMRM does: at every rebalance, free memory below `low` is paged out of the
 * VMs in proportion to what they hold, through `page`.
 */
export class VmResourceManager implements ReclamationPolicy {
  readonly contract = 'reclamation-policy@1';
  readonly name = 'vmrm';
  readonly #options: VmrmOptions;
  /** Pages of its static pool each guest was asked for and not given back (its SHRINK target). */
  #asked = new Map<VmId, Pages>();
  /** Host time of the next decision. */
  #next: SimTime = 0;
  #state: 'constrained' | 'unconstrained' = 'unconstrained';
  /** Pages z/VM's own paging took since the last decision: the monitor's paging rate. */
  #paged: Pages = 0;

  constructor(options: VmrmOptions) {
    this.#options = options;
  }

  plan(observation: HostObservation): ReclamationPlan {
    const actions: ReclamationAction[] = [];
    const { interval, page, low } = this.#options;
    if (observation.now >= this.#next) {
      actions.push(...this.#decide(observation));
      this.#next = (Math.floor(observation.now / interval) + 1) * interval;
    }
    const short = Math.ceil(low * observation.totalFrames - observation.freeFrames);
    if (short > 0) {
      const pageable = observation.vms.filter((vm) => vm.mechanisms.includes(page));
      const paging = spread(pageable, (vm) => vm.allocated, short, page);
      for (const action of paging) this.#paged += action.pages;
      actions.push(...paging);
    }
    return { actions, blocked: [], state: this.#state };
  }

  /** One decision: SHRINK targets raised (constrained) or lowered (relaxed), as requests through `cmm`. */
  #decide(observation: HostObservation): ReclamationAction[] {
    const { low, high, relax, cmm } = this.#options;
    const { totalFrames, freeFrames } = observation;
    const eligible = observation.vms.filter((vm) => vm.mechanisms.includes(cmm));
    // Guests that powered off are forgotten.
    const asked = new Map(observation.vms.map((vm) => [vm.vm, this.#asked.get(vm.vm) ?? 0]));
    this.#asked = asked;
    // Constrained: free memory short, or z/VM paged since the last decision (the paging it did is memory the
    // guests wanted beyond the host's, which free memory alone no longer shows).
    const paged = this.#paged;
    this.#paged = 0;
    this.#state = freeFrames < low * totalFrames || paged > 0 ? 'constrained' : 'unconstrained';
    let moves: ReclamationAction[] = [];
    if (this.#state === 'constrained') {
      const deficit = Math.max(0, Math.ceil(high * totalFrames - freeFrames)) + paged;
      moves = spread(eligible, (vm) => vm.allocated, deficit, cmm);
    } else {
      const spare = Math.floor(freeFrames - high * totalFrames);
      const held = eligible.reduce((a, vm) => a + asked.get(vm.vm)!, 0);
      const back = Math.min(spare, Math.ceil(relax * held));
      if (back > 0) moves = spread(eligible, (vm) => asked.get(vm.vm)!, -back, cmm);
    }
    for (const move of moves) asked.set(move.vm, asked.get(move.vm)! + move.pages);
    return moves;
  }
}

export const vmrm = defineReclamationPolicy({
  name: 'vmrm',
  description:
    'z/VM’s VM Resource Manager: every minute, SHRINK requests to guests’ cmm modules while free memory is short, relaxed after',
  options: vmrmOptions,
  create: (options) => new VmResourceManager(options),
});
