import type { Machine } from '@hvsim/machine';
import {
  type AllocationPolicy,
  type CreditsSharers,
  HvsimError,
  type Pages,
  type ReclamationMechanism,
  type ReclamationPolicy,
  type SimTime,
} from '@hvsim/spec';
import { chargedPages, creditOf, type VmSlot } from './vm-slot';

/** How the rebalancer logs a change of the host's reclamation state. */
export type StateLog = (data: { from: string; to: string }) => void;

/**
 * Rebalancing: targets from the allocation policy, a plan from the reclamation policy, applied through the
 * named mechanisms; the plan's blocked VMs do not run until the next plan. It runs every period, and at once
 * when free memory crosses one of the reclamation policy's triggers.
 */
export class Rebalancer {
  /** Free memory, as a share of the host's, when the run loop last looked: to see a trigger crossed. */
  #lastFree = 1;
  #state: string | undefined;

  constructor(
    readonly machine: Machine,
    readonly allocation: AllocationPolicy,
    readonly reclamation: ReclamationPolicy,
    readonly mechanisms: ReadonlyMap<string, ReclamationMechanism>,
    readonly credits: CreditsSharers | undefined,
    readonly logState: StateLog,
  ) {}

  /** Rebalances at once when free memory has crossed one of the reclamation policy's triggers. */
  onCrossing(now: SimTime, running: readonly VmSlot[]): void {
    const triggers = this.reclamation.triggers;
    if (!triggers) return;
    const free = this.machine.freeFrames / this.machine.totalFrames;
    const before = this.#lastFree;
    this.#lastFree = free;
    if (triggers.some((t) => before < t !== free < t)) this.rebalance(now, running);
  }

  /**
   * Frames that sharing pages of equal non-zero contents saves: the pages mapped onto shared frames other than
   * the zero frame, less those frames. (The zero frame is always held, hence the targets' `- 1`.)
   */
  #contentSavings(running: readonly VmSlot[]): Pages {
    const { machine } = this;
    const shared = running.reduce((sum, s) => sum + machine.pagePartition(s.runner!.vm).shared, 0);
    return Math.max(0, shared - machine.refCount(machine.zeroFrame) - (machine.sharedFrames - 1));
  }

  rebalance(now: SimTime, running: readonly VmSlot[]): void {
    const { machine, reclamation, mechanisms } = this;
    const overhead = running.reduce((sum, s) => sum + (s.config.overheadPages ?? 0), 0);
    const views = running.map((slot) => {
      const credit = creditOf(this.credits, slot.runner!.vm);
      const allocated = chargedPages(machine, slot.runner!.vm, credit);
      const estimate = slot.detector?.estimate();
      return { slot, allocated, active: estimate?.activePages ?? allocated, curve: estimate?.missRatioCurve };
    });
    // Targets leave what the reclamation policy wants free, but never less than the minimums admitted.
    const keptFree = Math.ceil((reclamation.freeTarget ?? 0) * machine.totalFrames);
    const minimums = running.reduce((sum, s) => sum + (s.config.min ?? 0), 0);
    const saved = reclamation.sharedSavings ? this.#contentSavings(running) : 0;
    const targets = this.allocation.targets({
      now,
      available: Math.max(
        minimums,
        machine.totalFrames - machine.reservedFrames - 1 - overhead - keptFree + saved,
      ),
      vms: views.map(({ slot, allocated, active, curve }) => ({
        min: slot.config.min ?? 0,
        max: slot.config.pages,
        shares: slot.config.shares ?? 1,
        activePages: active,
        allocated,
        ...(curve === undefined ? {} : { missRatioCurve: curve }),
      })),
    });
    const plan = reclamation.plan({
      now,
      totalFrames: machine.totalFrames,
      freeFrames: machine.freeFrames,
      vms: views.map(({ slot, allocated, active }, i) => {
        const vm = slot.runner!.vm;
        slot.target = targets[i]!;
        return {
          vm,
          pages: slot.config.pages,
          // Satori's repayment comes first; the policy reclaims the rest as usual.
          allocated: allocated - (this.credits?.settle(vm, allocated - targets[i]!) ?? 0),
          target: targets[i]!,
          activePages: active,
          mechanisms: [...mechanisms.values()].filter((m) => m.available(vm)).map((m) => m.name),
        };
      }),
    });
    for (const action of plan.actions) {
      const mechanism = mechanisms.get(action.mechanism);
      if (!mechanism) {
        throw new HvsimError(
          'unknown-mechanism',
          `${reclamation.name} planned with ${JSON.stringify(action.mechanism)}, which the host does not have; it has: ${[...mechanisms.keys()].join(', ') || '(none)'}`,
          'policies.mechanisms',
        );
      }
      if (action.pages > 0) mechanism.reclaim(action.vm, action.pages);
      else if (action.pages < 0) mechanism.release(action.vm, -action.pages);
    }
    for (const { slot } of views) slot.runner!.blocked = plan.blocked.includes(slot.runner!.vm);
    if (plan.state !== undefined && plan.state !== this.#state) {
      this.logState({ from: this.#state ?? 'none', to: plan.state });
      this.#state = plan.state;
    }
  }
}
