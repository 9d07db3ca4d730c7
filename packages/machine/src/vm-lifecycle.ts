import { FrameState, type Pages, type VmId, WRITE_ACCESS } from '@hvsim/spec';
import { releaseBacking } from './backing';
import { wholeNumber } from './checks';
import { OutOfFramesError } from './errors';
import { allocate } from './frame-allocation';
import type { MachineState } from './machine-state';
import { VmMemory } from './vm-memory';

export interface VmOptions {
  readonly name?: string;
  /** Guest-physical memory in pages (the VM's configured size, its max). */
  readonly pages: Pages;
  /** Frames the VM costs the hypervisor (frame buffer, monitor). Default 0. */
  readonly overheadFrames?: Pages;
}

/**
 * Powers on a VM: an unbacked pmap of `pages`, and its overhead frames taken now. Those the free frames do not
 * cover are reclaimed from the VMs already running, when the machine has a reclaimer (admission control
 * reserved them); without one, a VM whose overhead does not fit is refused.
 */
export function addVm(s: MachineState, options: VmOptions): VmId {
  const pages = wholeNumber('vm.pages', options.pages, 1, WRITE_ACCESS - 1);
  const overhead = wholeNumber('vm.overheadFrames', options.overheadFrames ?? 0, 0);
  const purpose = `${overhead} overhead frames (${s.frames.free} free)`;
  if (!s.reclaim && overhead > s.frames.free) throw new OutOfFramesError(purpose);
  const id = s.vms.length as VmId;
  const memory = new VmMemory(id, options.name ?? `vm${id}`, pages);
  try {
    for (let i = 0; i < overhead; i++)
      memory.overheadFrames.push(allocate(s, FrameState.Overhead, 0, purpose));
  } catch (error) {
    for (const mpn of memory.overheadFrames) s.frames.release(mpn);
    throw error;
  }
  s.vms.push(memory);
  s.emit?.({ time: s.now, source: 'machine', kind: 'vm-added', vm: id, data: { pages, overhead } });
  return id;
}

/** Powers off a VM: every frame, slot and cache entry it held is freed. */
export function removeVm(s: MachineState, vm: VmId): void {
  const m = s.vm(vm);
  for (let ppn = 0; ppn < m.pages; ppn++) releaseBacking(s, m, ppn);
  for (const mpn of m.overheadFrames) s.frames.release(mpn);
  s.vms[vm] = undefined;
  s.emit?.({ time: s.now, source: 'machine', kind: 'vm-removed', vm });
}
