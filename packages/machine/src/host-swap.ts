import {
  FrameState,
  InvalidInputError,
  type Mpn,
  NONE,
  PageState,
  type Ppn,
  type SimTime,
  type SwapSlot,
  type VmId,
} from '@hvsim/spec';
import { detachFrame } from './backing';
import { checkPpn, checkResident, checkStable } from './checks';
import { InvalidTransitionError, OutOfSwapError } from './errors';
import { allocate, changed } from './frame-allocation';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// Host swap: a page goes out to a slot, its frame in flight until the write completes, and comes back in on
// an access or a swap-in.

/** Advances host time; page-out writes due by then complete and free their frames. */
export function advanceTo(s: MachineState, time: SimTime): void {
  if (!(time >= s.now)) {
    throw new InvalidInputError('time', `expected a time ≥ now (${s.now}), got ${time}`);
  }
  s.now = time;
  completeSwapWrites(s, time);
}

/** Completes the page-out writes due by `time`, freeing their frames. */
export function completeSwapWrites(s: MachineState, time: SimTime): void {
  s.swap.complete(time, (mpn) => s.frames.release(mpn));
}

export function swapOut(s: MachineState, vm: VmId, ppn: Ppn): SwapSlot {
  const m = s.vm(vm);
  checkResident('swapOut', m, checkPpn(m, ppn));
  checkStable('swapOut', m, ppn);
  const slot = s.swap.allocate(s.frames.content[m.loc[ppn]!]!);
  if (slot === -1) throw new OutOfSwapError(s.swap.slots);
  const freed = detachFrame(s, m, ppn);
  if (freed !== -1) s.frames.relabel(freed, FrameState.InFlight);
  s.swap.startWrite(slot, freed === -1 ? NONE : freed, s.now + s.costs.swapOutLatency);
  m.setState(ppn, PageState.Swapped, slot);
  m.counters.swapOuts++;
  return slot;
}

export function swapIn(s: MachineState, vm: VmId, ppn: Ppn): Mpn {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state !== PageState.Swapped) throw new InvalidTransitionError('swapIn', vm, ppn, state, 'swapped');
  while (m.state[ppn] === PageState.Swapped) swapInPage(s, m, ppn);
  checkResident('swapIn', m, ppn);
  return m.loc[ppn]!;
}

/** Brings a swapped page back into a private frame, unless the frame reclaimer moves it meanwhile. */
export function swapInPage(s: MachineState, m: VmMemory, ppn: Ppn): void {
  const slot = m.loc[ppn]!;
  const c = m.counters;
  const inFlight = s.swap.cancelWrite(slot);
  if (inFlight !== -1) {
    // The write has not completed: the frame still holds the page, take it back without I/O.
    s.frames.relabel(inFlight, FrameState.Private);
    s.swap.release(slot);
    m.setState(ppn, PageState.Private, inFlight);
    c.softFaults++;
    c.time += s.costs.minorTrap;
    return;
  }
  const mpn = allocate(s, FrameState.Private, s.swap.content[slot]!, 'a swap-in');
  if (changed(s, m, ppn, PageState.Swapped, slot, mpn)) return;
  s.swap.release(slot);
  m.setState(ppn, PageState.Private, mpn);
  c.swapIns++;
  c.time += s.costs.swapIn;
}
