/**
 * What the host-paging and compression model tests share: two VMs of a few pages on a machine too small for
 * both, driven by the memory model of `@hvsim/spec/testing` (writes, reads, time) with the check after each —
 * every page reads its last write, and the machine's invariants hold — and the share-before-swap hook that
 * maps a zero page onto the zero frame. Each test adds its mechanism's reclaim command and checks.
 */
import { type ContentStore, checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { PageState, type VmId } from '@hvsim/spec';
import { type MemoryReference, memoryModel } from '@hvsim/spec/testing';

export { commandSettings } from '@hvsim/spec/testing';

export const PAGES = 24;

export type Reference = MemoryReference;

export interface PagingReal {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
}

const model = memoryModel(2, PAGES);

/** The commands both mechanisms are driven by: writes of one of `contents`, reads and 10 ms of time. */
export const pagingCommands = model.memoryCommands;

/** Two VMs of `PAGES` pages on 40 frames, with 30 swap slots. */
export function pagingMachine(contentStore?: ContentStore): PagingReal {
  const machine = createMachine({ frames: 40, swapSlots: 30, ...(contentStore ? { contentStore } : {}) });
  return {
    machine,
    vms: [machine.addVm({ name: 'a', pages: PAGES }), machine.addVm({ name: 'b', pages: PAGES })],
  };
}

/** Share-before-swap as the host offers it: a private zero page is mapped onto the zero frame. */
export function zeroPageShare(machine: Machine) {
  return (vm: VmId, ppn: number): boolean => {
    if (machine.peek(vm, ppn) !== 0 || machine.pageState(vm, ppn) !== PageState.Private) return false;
    machine.shareWithFrame(vm, ppn, machine.zeroFrame);
    return true;
  };
}

/** The machine's invariants, and every page reading its last write. */
export function checkContents(reference: Reference, real: PagingReal): void {
  checkInvariants(real.machine);
  model.checkContents(reference, real);
}
