import type { Machine } from '@hvsim/machine';
import { randomPrivatePage } from '@hvsim/reclaim';
import type { RandomStream } from '@hvsim/spec';

/**
 * The kernel's last resort when an access finds no free frame: page out a uniformly random private page of
 * a random VM (weighted by what each holds), as ESX's swapper picks victims, and wait for the write (a page
 * its guest marked unused or volatile, CMM2, is dropped or discarded instead). Policies
 * keep free memory above their thresholds so this rarely runs; it exists so a host never deadlocks.
 */
export function emergencyPager(random: RandomStream): (machine: Machine) => void {
  return (machine) => {
    if (machine.usedSwapSlots >= machine.swapSlots) return;
    const vms = machine.vms();
    let resident = 0;
    for (const vm of vms) resident += machine.pagePartition(vm).private;
    if (resident === 0) return;
    let pick = random.nextInt(resident);
    for (const vm of vms) {
      const held = machine.pagePartition(vm).private;
      if (pick >= held) {
        pick -= held;
        continue;
      }
      const ppn = randomPrivatePage(machine, vm, random);
      if (ppn === -1) return;
      machine.evict(vm, ppn);
      machine.flushSwapWrites();
      return;
    }
  };
}
