import type { ContentId, MachineView, Ppn, VmId } from '@hvsim/spec';
import { PageState } from '@hvsim/spec';

/** A guest page as one number, vm · 2³¹ + ppn (page numbers stay below 2³¹), for tables that hold pages. */
const VM_STRIDE = 2 ** 31;

export const pageKey = (vm: VmId, ppn: Ppn): number => vm * VM_STRIDE + ppn;
export const keyVm = (key: number): VmId => Math.floor(key / VM_STRIDE) as VmId;
/** The page of a key: subtracted rather than `key % VM_STRIDE`, a floating-point remainder (a slow call). */
export const keyPpn = (key: number): Ppn => key - Math.floor(key / VM_STRIDE) * VM_STRIDE;

/**
 * What the page under `key` holds now, if it is still a private resident page of a VM on the host: a page a
 * table remembered may have been written, shared, swapped or powered off since.
 */
export function privateContentAt(machine: MachineView, key: number): ContentId | undefined {
  const vm = keyVm(key);
  const ppn = keyPpn(key);
  if (!machine.hasVm(vm) || machine.pageState(vm, ppn) !== PageState.Private) return undefined;
  return machine.peek(vm, ppn);
}
