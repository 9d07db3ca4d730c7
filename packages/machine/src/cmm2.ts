import { type Eviction, GuestPageUsage, NONE, PageState, type Ppn, type VmId } from '@hvsim/spec';
import { releaseBacking } from './backing';
import { checkPpn, checkResident, usageName } from './checks';
import { InvalidTransitionError, OutOfRangeError } from './errors';
import { swapOut } from './host-swap';
import type { MachineState } from './machine-state';
import { USAGE_BITS, type VmMemory } from './vm-memory';

// CMM2 page states: the guest's usage hints (ESSA), and what the host may do with a page given its usage
// (discard, drop, or swap it). A guest access to a discarded page takes a discard fault (`resolve`, in
// slow-path.ts).

export function discard(s: MachineState, vm: VmId, ppn: Ppn): void {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state === PageState.Unbacked || state === PageState.Ballooned || state === PageState.Discarded) {
    throw new InvalidTransitionError('discard', vm, ppn, state, 'holding contents');
  }
  const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
  if (usage !== GuestPageUsage.Volatile && usage !== GuestPageUsage.PotentiallyVolatile) {
    throw new InvalidTransitionError(
      'discard',
      vm,
      ppn,
      usageName(usage),
      'volatile, or potentially volatile and clean',
    );
  }
  releaseBacking(s, m, ppn);
  m.setState(ppn, PageState.Discarded, NONE);
  m.setUsage(ppn, GuestPageUsage.Volatile); // Pr → Vz: the host always uses Vz
  m.counters.discards++;
}

export function drop(s: MachineState, vm: VmId, ppn: Ppn): void {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state === PageState.Ballooned)
    throw new InvalidTransitionError('drop', vm, ppn, state, 'not ballooned');
  const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
  if (usage !== GuestPageUsage.Unused)
    throw new InvalidTransitionError('drop', vm, ppn, usageName(usage), 'unused');
  if (state === PageState.Unbacked) return;
  releaseBacking(s, m, ppn);
  m.setState(ppn, PageState.Unbacked, NONE);
  m.counters.drops++;
}

export function evict(s: MachineState, vm: VmId, ppn: Ppn): Eviction {
  const m = s.vm(vm);
  checkResident('evict', m, checkPpn(m, ppn));
  const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
  if (usage === GuestPageUsage.Unused) {
    drop(s, vm, ppn);
    return 'dropped';
  }
  if (usage === GuestPageUsage.Volatile || usage === GuestPageUsage.PotentiallyVolatile) {
    discard(s, vm, ppn);
    return 'discarded';
  }
  if (usage !== GuestPageUsage.Stable) m.setUsage(ppn, GuestPageUsage.Stable); // Pr (written) → Sp
  swapOut(s, vm, ppn);
  return 'swapped';
}

export function setPageUsage(s: MachineState, vm: VmId, ppn: Ppn, usage: GuestPageUsage): GuestPageUsage {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if ((usage & USAGE_BITS) !== usage) throw new OutOfRangeError('usage', usage, 'a GuestPageUsage (0–3)');
  // The common case first, and cheaply: a resident page, whose usage alone changes (a guest gives a hint
  // for nearly every page it frees, allocates or fills).
  if (state === PageState.Private || state === PageState.Shared) {
    const c = m.counters;
    c.hints++;
    c.time += s.essaCost;
    const bytes = m.usage ?? m.setUsage(ppn, GuestPageUsage.Stable);
    const old = bytes[ppn]!;
    // Only a change to or from clean potentially volatile moves the page's write protection.
    if (old === GuestPageUsage.PotentiallyVolatile || usage === GuestPageUsage.PotentiallyVolatile) {
      m.setUsage(ppn, usage);
    } else bytes[ppn] = usage;
    return (old & USAGE_BITS) as GuestPageUsage;
  }
  if (state === PageState.Ballooned && usage !== GuestPageUsage.Stable && usage !== GuestPageUsage.Unused) {
    throw new InvalidTransitionError('setPageUsage', vm, ppn, state, 'not ballooned');
  }
  const old = hint(s, m, ppn);
  switch (state) {
    case PageState.Ballooned:
      m.setUsage(ppn, usage);
      break;
    case PageState.Swapped:
    case PageState.Compressed:
      // Preserved: unused or volatile lets the host forget its copy (Sp → Uz, Sp → Vz), without I/O. A
      // potentially volatile page cannot be preserved (Pp is not a state): its contents stay, stable.
      if (usage === GuestPageUsage.Unused || usage === GuestPageUsage.Volatile) {
        releaseBacking(s, m, ppn);
        m.setState(ppn, usage === GuestPageUsage.Unused ? PageState.Unbacked : PageState.Discarded, NONE);
        m.setUsage(ppn, usage);
      }
      break;
    default:
      // Logically zero: a volatile request (or potentially volatile, which cannot be zero) makes it Vz.
      if (usage === GuestPageUsage.Stable || usage === GuestPageUsage.Unused) {
        m.setState(ppn, PageState.Unbacked, NONE);
        m.setUsage(ppn, usage);
      } else {
        m.setState(ppn, PageState.Discarded, NONE);
        m.setUsage(ppn, GuestPageUsage.Volatile);
      }
  }
  return old;
}

export function makeStableIfNotDiscarded(s: MachineState, vm: VmId, ppn: Ppn): boolean {
  const m = s.vm(vm);
  checkPpn(m, ppn);
  hint(s, m, ppn);
  if (m.state[ppn] === PageState.Discarded) return false;
  if (m.usage !== undefined) m.setUsage(ppn, GuestPageUsage.Stable);
  return true;
}

/** Counts and charges one ESSA; returns the page's usage before it. */
function hint(s: MachineState, m: VmMemory, ppn: Ppn): GuestPageUsage {
  const c = m.counters;
  c.hints++;
  c.time += s.essaCost;
  return ((m.usage?.[ppn] ?? 0) & USAGE_BITS) as GuestPageUsage;
}
