import type { Machine } from '@hvsim/machine';
import { randomPrivatePage } from '@hvsim/reclaim';
import { GuestPageUsage, PageState, type RandomStream, type VmId } from '@hvsim/spec';

/** Pages after a random pick looked at for one its guest gave up before settling for the pick. */
const LOOK_AHEAD = 16;

/**
 * A random private page, preferring one the guest gave up (CMM2: z/VM takes unused and volatile pages first,
 * without I/O): the first private page from the pick on, within LOOK_AHEAD, that is not stable, else the pick.
 * It draws no more random numbers than the pick, so a run without hints pages as it always did.
 */
function victim(machine: Machine, vm: VmId, random: RandomStream): number {
  const pick = randomPrivatePage(machine, vm, random);
  if (pick === -1) return pick;
  const pages = machine.pageCount(vm);
  for (let i = 0, ppn = pick; i < LOOK_AHEAD; i++, ppn = (ppn + 1) % pages) {
    if (
      machine.pageState(vm, ppn) === PageState.Private &&
      machine.pageUsage(vm, ppn) !== GuestPageUsage.Stable
    ) {
      return ppn;
    }
  }
  return pick;
}

/**
 * The kernel's last resort when an access finds no free frame: page out a uniformly random private page of
 * a random VM (weighted by what each holds), as ESX's swapper picks victims, and wait for the write — or,
 * preferably, a page its guest marked unused or volatile (CMM2), dropped or discarded without I/O. Policies
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
      const ppn = victim(machine, vm, random);
      if (ppn === -1) return;
      machine.evict(vm, ppn);
      machine.flushSwapWrites();
      return;
    }
  };
}
