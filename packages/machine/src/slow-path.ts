import { type ContentId, FrameState, GuestPageUsage, NONE, PageState, type Ppn } from '@hvsim/spec';
import { decompressPage } from './compression';
import { cowBreak } from './copy-on-write';
import { DiscardFaultError } from './errors';
import { allocate, changed } from './frame-allocation';
import { swapInPage } from './host-swap';
import type { MachineState } from './machine-state';
import { type VmMemory, WRITTEN } from './vm-memory';

/** What `resolve` returns for an access of a batch that took a discard fault: the batch stops there. */
export const FAULTED = -1;

/** Everything that leaves the fast path: observer traps first, then whatever the page's state needs. */
export function slowAccess(
  s: MachineState,
  m: VmMemory,
  ppn: Ppn,
  write: boolean,
  content: ContentId,
  inBatch: boolean,
): ContentId {
  const c = m.counters;
  c.slowAccesses++;
  const traps = s.traps;
  const bits = m.flags[ppn]! & (write ? traps.allBits : traps.accessBits);
  if (bits !== 0) {
    if ((bits & traps.chargedBits) !== 0) {
      c.traps++;
      c.time += s.costs.minorTrap;
    }
    traps.fire(m, ppn, bits, write);
  }
  return resolve(s, m, ppn, write, content, inBatch);
}

/**
 * Brings the page to a private or shared frame the access can use, then reads or writes it. A discarded
 * page stops the access (FAULTED) when it is part of a batch, which the guest restarts after restoring the
 * page; any other access to one is a DiscardFaultError.
 */
export function resolve(
  s: MachineState,
  m: VmMemory,
  ppn: Ppn,
  write: boolean,
  content: ContentId,
  inBatch: boolean,
): ContentId {
  const c = m.counters;
  const costs = s.costs;
  // The frame reclaimer may move the page while a frame is allocated for it: each case re-checks.
  for (;;) {
    switch (m.state[ppn]) {
      case PageState.Private: {
        const mpn = m.loc[ppn]!;
        if (!write) return s.frames.content[mpn]!;
        s.frames.content[mpn] = content;
        // The first write to a clean potentially volatile page: it must be preserved from now on.
        if (m.usage?.[ppn] === GuestPageUsage.PotentiallyVolatile) m.setUsage(ppn, m.usage[ppn]! | WRITTEN);
        return content;
      }
      case PageState.Shared: {
        if (!write) return s.frames.content[m.loc[ppn]!]!;
        const copied = cowBreak(s, m, ppn);
        if (copied === undefined) break;
        c.cowBreaks++;
        c.time += copied ? costs.cowBreak : costs.minorTrap;
        break;
      }
      case PageState.Unbacked: {
        const mpn = allocate(s, FrameState.Private, 0, 'a zero-fill');
        if (changed(s, m, ppn, PageState.Unbacked, NONE, mpn)) break;
        m.setState(ppn, PageState.Private, mpn);
        c.zeroFills++;
        c.time += costs.zeroFill;
        break;
      }
      case PageState.Swapped:
        swapInPage(s, m, ppn);
        break;
      case PageState.Ballooned:
        // The hypervisor backs the page again, zeroed; the guest never learns of it (ESX).
        c.balloonPops++;
        c.time += costs.minorTrap;
        m.setState(ppn, PageState.Unbacked, NONE);
        break;
      case PageState.Compressed:
        decompressPage(s, m, ppn);
        break;
      case PageState.Discarded:
        if (!inBatch) throw new DiscardFaultError(m.id, ppn);
        c.discardFaults++;
        c.time += costs.discardFault;
        m.setState(ppn, PageState.Unbacked, NONE);
        m.setUsage(ppn, GuestPageUsage.Stable); // Sz: the guest re-reads it, then may mark it volatile again
        return FAULTED;
    }
  }
}
