import type { Machine } from '@hvsim/machine';
import { randomPrivatePage } from '@hvsim/reclaim';
import type { RandomStream, ReclamationMechanism, VmId } from '@hvsim/spec';

/**
 * The kernel's last resort when an access finds no free frame: it takes a frame's worth from a random VM
 * (weighted by the private pages each holds) through `pager()`, the mechanism the reclamation policy pages
 * with, when the host has it and it can act; else it pages out a uniformly random private page, as ESX's
 * swapper picks victims. Then it waits for the writes. Policies keep free memory above their thresholds so
 * this rarely runs; it exists so a host never deadlocks.
 */
export function emergencyPager(
  random: RandomStream,
  pager: () => ReclamationMechanism | undefined,
): (machine: Machine) => void {
  return (machine) => {
    const vm = randomHolder(machine, random);
    if (vm === undefined) return;
    const mechanism = pager();
    if (!(mechanism?.available(vm) && mechanism.reclaim(vm, 1) > 0)) {
      if (machine.usedSwapSlots >= machine.swapSlots) return;
      const ppn = randomPrivatePage(machine, vm, random);
      if (ppn === -1) return;
      machine.swapOut(vm, ppn);
    }
    machine.flushSwapWrites();
  };
}

/** A VM picked with probability proportional to the private pages it holds; undefined when none holds any. */
function randomHolder(machine: Machine, random: RandomStream): VmId | undefined {
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
