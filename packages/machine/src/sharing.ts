import { type ContentId, FrameState, type Mpn, PageState, type Ppn, type VmId } from '@hvsim/spec';
import { peek, releaseBacking } from './backing';
import { checkMpn, checkPpn, checkResident } from './checks';
import { ContentMismatchError, DomainMismatchError, InvalidTransitionError, OutOfRangeError } from './errors';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// Sharing: pages of equal contents join one shared frame per sharing domain, mapped copy-on-write (the break
// is in copy-on-write.ts).

/** The shared frame holding `content` in sharing domain `domain`, if there is one. */
export function sharedFrameFor(s: MachineState, content: ContentId, domain: number): Mpn | undefined {
  if (content === 0) return s.zeroFrame;
  const mpn = s.sharedIndex.get(domain, content);
  return mpn === -1 ? undefined : mpn;
}

export function share(s: MachineState, vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain: number): Mpn {
  const a = s.vm(vm);
  const b = s.vm(ontoVm);
  checkResident('share', a, checkPpn(a, ppn));
  checkResident('share', b, checkPpn(b, ontoPpn));
  if (peek(s, a, ppn) !== peek(s, b, ontoPpn)) {
    throw new ContentMismatchError(`vm ${vm} page ${ppn} and vm ${ontoVm} page ${ontoPpn}`);
  }
  const target = sharedFrameOf(s, b, ontoPpn, domain);
  mapShared(s, a, ppn, target);
  return target;
}

export function fillShared(
  s: MachineState,
  vm: VmId,
  ppn: Ppn,
  ontoVm: VmId,
  ontoPpn: Ppn,
  domain: number,
): Mpn {
  const a = s.vm(vm);
  const b = s.vm(ontoVm);
  const state = a.state[checkPpn(a, ppn)] as PageState;
  if (state === PageState.Ballooned || state === PageState.Discarded) {
    throw new InvalidTransitionError('fillShared', vm, ppn, state, 'not ballooned or discarded');
  }
  checkResident('fillShared', b, checkPpn(b, ontoPpn));
  if (a === b && ppn === ontoPpn) throw new OutOfRangeError('ontoPpn', ontoPpn, `a page other than ${ppn}`);
  const target = sharedFrameOf(s, b, ontoPpn, domain);
  mapShared(s, a, ppn, target);
  return target;
}

export function shareWithFrame(s: MachineState, vm: VmId, ppn: Ppn, mpn: Mpn): void {
  const m = s.vm(vm);
  checkResident('shareWithFrame', m, checkPpn(m, ppn));
  if (s.frames.state[checkMpn(s.frames, mpn)] !== FrameState.Shared) {
    throw new OutOfRangeError('mpn', mpn, 'a shared frame');
  }
  if (peek(s, m, ppn) !== s.frames.content[mpn]) {
    throw new ContentMismatchError(`vm ${vm} page ${ppn} and frame ${mpn}`);
  }
  mapShared(s, m, ppn, mpn);
}

/**
 * The shared frame of `domain` that resident page `ppn` joins, mapping it there: the domain's frame of its
 * contents, else its own frame, which becomes that.
 */
function sharedFrameOf(s: MachineState, m: VmMemory, ppn: Ppn, domain: number): Mpn {
  const own = m.loc[ppn]!;
  if (m.state[ppn] === PageState.Shared && own !== s.zeroFrame && s.frameDomain[own] !== domain) {
    throw new DomainMismatchError(`vm ${m.id} page ${ppn} is shared in domain ${s.frameDomain[own]}`);
  }
  const content = peek(s, m, ppn)!;
  // A shared page's frame is its domain's one frame of its contents: no lookup.
  let target = m.state[ppn] === PageState.Shared ? own : sharedFrameFor(s, content, domain);
  if (target === undefined) {
    // No shared copy yet: the page becomes it (it is private, or it would be in the index).
    target = own;
    s.frames.relabel(target, FrameState.Shared);
    s.frames.refs.set(target, 1);
    s.frameDomain[target] = domain;
    s.sharedIndex.set(domain, content, target);
    m.setState(ppn, PageState.Shared, target);
  }
  mapShared(s, m, ppn, target);
  return target;
}

/** Maps the page onto a shared frame, releasing whatever held it before. */
function mapShared(s: MachineState, m: VmMemory, ppn: Ppn, target: Mpn): void {
  if (m.state[ppn] === PageState.Shared && m.loc[ppn] === target) return;
  releaseBacking(s, m, ppn);
  s.frames.refs.increment(target);
  m.setState(ppn, PageState.Shared, target);
}
