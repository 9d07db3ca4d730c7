import { GuestPageUsage, NONE, PageState, type Ppn, type VmId } from '@hvsim/spec';
import { releaseBacking } from './backing';
import { checkPpn } from './checks';
import { InvalidTransitionError } from './errors';
import type { MachineState } from './machine-state';

// Ballooning: the guest's balloon driver hands a page back to the host. A guest access to a ballooned page
// pops it (`resolve`, in slow-path.ts).

export function balloon(s: MachineState, vm: VmId, ppn: Ppn): void {
  const m = s.vm(vm);
  if (m.state[checkPpn(m, ppn)] === PageState.Ballooned) {
    throw new InvalidTransitionError('balloon', vm, ppn, PageState.Ballooned, 'not ballooned');
  }
  releaseBacking(s, m, ppn);
  m.setState(ppn, PageState.Ballooned, NONE);
  if (m.usage !== undefined) m.setUsage(ppn, GuestPageUsage.Stable); // the driver pinned it
}

export function unballoon(s: MachineState, vm: VmId, ppn: Ppn): void {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state !== PageState.Ballooned)
    throw new InvalidTransitionError('unballoon', vm, ppn, state, 'ballooned');
  m.setState(ppn, PageState.Unbacked, NONE);
}
