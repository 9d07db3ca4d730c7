import {
  defineReclamationPolicy,
  durationOption,
  type HostObservation,
  type ReclamationAction,
  type ReclamationPlan,
  type ReclamationPolicy,
  type SimTime,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { checkThresholds, ESX_THRESHOLDS, type FreeMemoryState, nextState } from './free-memory-states';
import { hostShareOption as share } from './host-share-option';

export const esxReclamationOptions = z.object({
  high: share('free memory the states aim to restore: above it nothing is reclaimed', ESX_THRESHOLDS.high),
  soft: share('free memory below which ballooning starts', ESX_THRESHOLDS.soft),
  hard: share('free memory below which host paging starts', ESX_THRESHOLDS.hard),
  low: share('free memory below which VMs above target are blocked', ESX_THRESHOLDS.low),
  margin: z
    .number()
    .min(0)
    .lt(1)
    .default(ESX_THRESHOLDS.margin)
    .describe('how far above a threshold free memory must climb to restore the state above (default 0.01)'),
  patience: durationOption('how long a balloon may take nothing before its VM is paged instead', {
    default: '15s',
  }),
  paging: z
    .enum(['excess', 'free'])
    .default('excess')
    .describe(
      "how much a plan pages from the VMs above target: each one's whole excess (excess, the default), or only what brings free memory back above the high threshold plus the margin, shared among them by excess (free); with share-before-swap a shared victim still counts toward its VM's allocation, so paging whole excesses takes the same excess again at every plan",
    ),
  ballooning: z
    .enum(['soft', 'always'])
    .default('soft')
    .describe(
      "when a VM above its target is ballooned down to it: below the soft threshold, as the paper's §6 says (soft, the default), or in the high state too (always), as its Figure 8 shows: balloons grow while the host stays high, and an idle VM falls to its target; paging still waits for hard",
    ),
  sharedSavings: z
    .boolean()
    .default(false)
    .describe(
      "whether the targets divide, beyond machine memory, what sharing pages of equal non-zero contents saves (default false), so that allocations add up to more than machine memory as in the paper's Figure 8; pages shared with the zero page are not counted, as a balloon takes them back for nothing",
    ),
  balloon: z.string().min(1).default('balloon').describe('the mechanism that balloons (default balloon)'),
  page: z
    .string()
    .min(1)
    .default('host-swap')
    .describe(
      'the mechanism that pages, and that the emergency pager uses (default host-swap; compression puts the compression tier before swap)',
    ),
});

export type EsxReclamationOptions = z.output<typeof esxReclamationOptions>;

/**
 * ESX's reclamation (Waldspurger 2002, §6): the free-memory state decides the means. In `high` nothing is
 * reclaimed; in `soft` each VM above its target is ballooned down to it, and paged where its balloon is
 * unavailable or has made no headway for `patience`; in `hard` it is paged; in `low` it is paged and, until
 * it is back under target, stops running. A VM below its target gets its balloon deflated, whatever the state. The state moves with free
 * memory, with hysteresis (`nextState`), and the kernel plans again whenever free memory crosses one of the
 * thresholds (`triggers`), not only on its period. Paging takes each VM's whole excess, or (`paging: free`)
 * only what free memory needs: a page shared before swap frees its frame but stays in its VM's allocation,
 * so with sharing the excess does not fall as paging frees memory.
 */
export class EsxReclamation implements ReclamationPolicy {
  readonly contract = 'reclamation-policy@1';
  readonly name = 'esx';
  /** The options, thresholds among them. */
  readonly #options: EsxReclamationOptions;
  /**
   * Where free memory crossing changes the state — down past soft, hard or low, up past the threshold above
   * plus the margin — so the host plans again then. (Free memory hovers about the high threshold the
   * targets leave free; crossing that alone changes nothing.)
   */
  readonly triggers: readonly number[];
  #state: FreeMemoryState = 'high';
  /**
   * The VMs the last plan ballooned, with the excess over target they last made headway from and when: is
   * the balloon getting anywhere?
   */
  #ballooned = new Map<VmId, { readonly excess: number; readonly since: SimTime }>();

  constructor(options: EsxReclamationOptions) {
    checkThresholds(options);
    this.#options = options;
    const { high, soft, hard, low, margin } = options;
    this.triggers = [low, hard, soft, hard + margin, soft + margin, high + margin];
  }

  /** The kernel's emergency pager pages as this policy does. */
  get pager(): string {
    return this.#options.page;
  }

  /** Targets leave the high threshold free, so reclaiming to them brings the host back to `high`. */
  get freeTarget(): number {
    return this.#options.high;
  }

  get sharedSavings(): boolean {
    return this.#options.sharedSavings;
  }

  get state(): FreeMemoryState {
    return this.#state;
  }

  plan(observation: HostObservation): ReclamationPlan {
    const state = nextState(this.#state, observation.freeFrames / observation.totalFrames, this.#options);
    this.#state = state;
    const actions: ReclamationAction[] = [];
    const blocked: VmId[] = [];
    const { balloon, page } = this.#options;
    const ballooned = this.#ballooned;
    this.#ballooned = new Map();
    for (const vm of observation.vms) {
      const excess = vm.allocated - vm.target;
      // Below target, in any state, a balloon gives memory back (the driver knows whether it holds any).
      if (excess < 0 && vm.mechanisms.includes(balloon))
        actions.push({ vm: vm.vm, mechanism: balloon, pages: excess });
      if (excess <= 0) continue;
      if (state === 'high') {
        if (this.#options.ballooning === 'always' && vm.mechanisms.includes(balloon))
          actions.push({ vm: vm.vm, mechanism: balloon, pages: excess });
        continue;
      }
      // A balloon that made no headway for `patience` (a guest that will not give) is paged past.
      const last = ballooned.get(vm.vm);
      const stuck = last !== undefined && excess >= last.excess;
      const balloons =
        state === 'soft' &&
        vm.mechanisms.includes(balloon) &&
        !(stuck && observation.now - last.since >= this.#options.patience);
      if (balloons) this.#ballooned.set(vm.vm, stuck ? last : { excess, since: observation.now });
      const mechanism = balloons ? balloon : page;
      if (vm.mechanisms.includes(mechanism)) actions.push({ vm: vm.vm, mechanism, pages: excess });
      if (state === 'low') blocked.push(vm.vm);
    }
    return {
      actions: this.#options.paging === 'free' ? this.#toFree(actions, observation) : actions,
      blocked,
      state,
    };
  }

  /**
   * The plan's paging cut down to what brings free memory back above the high threshold plus the margin
   * (where the state is high again), shared among the paged VMs by their excess, each at most its excess.
   */
  #toFree(actions: readonly ReclamationAction[], observation: HostObservation): ReclamationAction[] {
    const { high, margin, page } = this.#options;
    const paging = (action: ReclamationAction) => action.mechanism === page && action.pages > 0;
    const needed = Math.max(0, Math.ceil((high + margin) * observation.totalFrames) - observation.freeFrames);
    const excess = actions.filter(paging).reduce((sum, action) => sum + action.pages, 0);
    return actions.map((action) =>
      paging(action)
        ? { ...action, pages: Math.min(action.pages, Math.ceil((needed * action.pages) / excess)) }
        : action,
    );
  }
}

export const esxReclamation = defineReclamationPolicy({
  name: 'esx',
  description:
    'ESX free-memory states (high / soft / hard / low at 6 / 4 / 2 / 1%): balloon, then page, then block',
  options: esxReclamationOptions,
  create: (options) => new EsxReclamation(options),
});
