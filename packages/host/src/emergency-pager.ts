import type { FrameReclaimer, ReclaimerMachine } from '@hvsim/machine';
import { randomPrivatePage } from '@hvsim/reclaim';
import { GuestPageUsage, type RandomStream, type ReclamationMechanism, type VmId } from '@hvsim/spec';

/** Random private pages looked at for one its guest gave up before settling for a stable one. */
const SAMPLES = 16;

/**
 * The kernel's last resort when an access finds no free frame: it takes a frame's worth from a random VM
 * (weighted by the private pages each holds) through `pager()`, the mechanism the reclamation policy pages
 * with, when the host has it and it can act; else it pages out a uniformly random private page, as ESX's
 * swapper picks victims — or, preferably, a page its guest marked unused or volatile (CMM2), dropped or
 * discarded without I/O. Then it waits for the writes. Policies keep free memory above their thresholds so
 * this rarely runs; it exists so a host never deadlocks.
 */
export function emergencyPager(
  random: RandomStream,
  pager: () => ReclamationMechanism | undefined,
): FrameReclaimer {
  return {
    reclaimFrames(machine) {
      const vm = randomHolder(machine, random);
      if (vm === undefined) return;
      const mechanism = pager();
      if (!(mechanism?.available(vm) && mechanism.reclaim(vm, 1) > 0)) {
        const ppn = victim(machine, vm, random);
        if (ppn === -1) return;
        const usage = machine.pageUsage(vm, ppn);
        if (usage === GuestPageUsage.Stable && machine.usedSwapSlots >= machine.swapSlots) return;
        machine.evict(vm, ppn);
      }
      machine.flushSwapWrites();
    },
  };
}

/** A VM picked with probability proportional to the private pages it holds; undefined when none holds any. */
function randomHolder(machine: ReclaimerMachine, random: RandomStream): VmId | undefined {
  const vms = machine.vms();
  let resident = 0;
  for (const vm of vms) resident += machine.pagePartition(vm).private;
  if (resident === 0) return undefined;
  let pick = random.nextInt(resident);
  for (const vm of vms) {
    const held = machine.pagePartition(vm).private;
    if (pick < held) return vm;
    pick -= held;
  }
  return undefined;
}

/**
 * A random private page, preferring one the guest gave up: for a guest that gives hints, the first of up to
 * SAMPLES random picks that is not stable, else the first pick. A guest that gives none costs one pick, so a
 * run without hints pages as it always did.
 */
function victim(machine: ReclaimerMachine, vm: VmId, random: RandomStream): number {
  const first = randomPrivatePage(machine, vm, random);
  if (first === -1 || machine.counters(vm).hints === 0) return first;
  for (let i = 0, ppn = first; i < SAMPLES; i++, ppn = randomPrivatePage(machine, vm, random)) {
    if (machine.pageUsage(vm, ppn) !== GuestPageUsage.Stable) return ppn;
  }
  return first;
}
