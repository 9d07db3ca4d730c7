import { type MachineView, PageState, type Ppn, type RandomStream, type VmId } from '@hvsim/spec';

/**
 * A uniformly random private page of `vm`, as ESX's swapper picks victims (a random page is as good a guess
 * as any when the guest's own LRU is invisible, and it avoids fighting the guest's replacement); −1 when none
 * is found. Probes random pages: a VM holding `held` of its `pages` privately needs pages / held probes on
 * average, and gets 64 times that.
 */
export function randomPrivatePage(machine: MachineView, vm: VmId, random: RandomStream): Ppn | -1 {
  const held = machine.pagePartition(vm).private;
  if (held === 0) return -1;
  const pages = machine.pageCount(vm);
  for (let probes = 0; probes < 64 * Math.ceil(pages / held); probes++) {
    const ppn = random.nextInt(pages);
    if (machine.pageState(vm, ppn) === PageState.Private) return ppn;
  }
  return -1;
}
