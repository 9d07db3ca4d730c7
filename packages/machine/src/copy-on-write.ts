import { FrameState, type Mpn, PageState, type Ppn, type VmId } from '@hvsim/spec';
import { detachFrame, lastMapper } from './backing';
import { checkPpn, checkResident } from './checks';
import { allocate, changed } from './frame-allocation';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// The copy-on-write break: a write to a shared page (`resolve`), or a sharing engine's `breakShare`.

/**
 * Gives a shared page a private frame; returns whether it had to copy (false: it was the last mapper and
 * keeps the frame), or undefined when the shortage handler moved the page while a frame was found.
 */
export function cowBreak(s: MachineState, m: VmMemory, ppn: Ppn): boolean | undefined {
  const old = m.loc[ppn]!;
  if (lastMapper(s, old)) {
    detachFrame(s, m, ppn);
    s.frames.relabel(old, FrameState.Private);
    m.setState(ppn, PageState.Private, old);
    return false;
  }
  const copy = allocate(s, FrameState.Private, s.frames.content[old]!, 'a copy-on-write break');
  if (changed(s, m, ppn, PageState.Shared, old, copy)) return undefined;
  // The handler may have unmapped the other mappers meanwhile: then this page frees the old frame.
  const freed = detachFrame(s, m, ppn);
  if (freed !== -1) s.frames.release(freed);
  m.setState(ppn, PageState.Private, copy);
  return true;
}

export function breakShare(s: MachineState, vm: VmId, ppn: Ppn): Mpn {
  const m = s.vm(vm);
  checkResident('breakShare', m, checkPpn(m, ppn));
  while (m.state[ppn] === PageState.Shared) cowBreak(s, m, ppn);
  checkResident('breakShare', m, ppn);
  return m.loc[ppn]!;
}
