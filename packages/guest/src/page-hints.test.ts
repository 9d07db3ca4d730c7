import { GuestPageUsage, imageBlockContent, OpKind } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { runOps as run, testGuest } from './guest.fixture';
import { checkGuestInvariants } from './invariants';

describe('page hints (CMM2)', () => {
  const hinted = () => testGuest({ guest: { image: 'img', bootTime: 0, pageHints: true } });
  const { Stable, Unused, Volatile } = GuestPageUsage;

  it('marks free pages unused at boot and when freed; the host drops them without I/O', () => {
    const { machine, guest } = hinted();
    const free = guest.zeroed.pop();
    guest.zeroed.push(free);
    expect(guest.pageUsage(free)).toBe(Unused);
    run(guest, [OpKind.Write, 3, 7]);
    const ppn = guest.pageOf(3);
    expect(guest.pageUsage(ppn)).toBe(Stable);
    run(guest, [OpKind.Free, 3]);
    expect(guest.pageUsage(ppn)).toBe(Unused);
    expect(machine.evict(guest.vm, ppn)).toBe('dropped');
    expect(machine.counters(guest.vm)).toMatchObject({ drops: 1, swapOuts: 0 });
    checkGuestInvariants(guest);
  });

  it('marks a clean cache page volatile: the host discards it, the next read re-reads it from disk', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2]);
    const ppn = guest.cachedPage(2);
    expect(guest.pageUsage(ppn)).toBe(Volatile);
    expect(machine.evict(guest.vm, ppn)).toBe('discarded');
    const reads = guest.counters().diskReads;
    run(guest, [OpKind.FileRead, 2]);
    expect(guest.counters().diskReads).toBe(reads + 1);
    expect(machine.counters(guest.vm).discardFaults).toBe(1);
    expect(machine.peek(guest.vm, ppn)).toBe(imageBlockContent('img', 2));
    expect(guest.pageUsage(ppn)).toBe(Volatile); // clean again
    checkGuestInvariants(guest);
  });

  it('keeps a dirty cache page stable until written back: the host pages it out, never discards it', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2], [OpKind.FileWrite, 2, 5]);
    const ppn = guest.cachedPage(2);
    expect(guest.pageUsage(ppn)).toBe(Stable);
    expect(machine.evict(guest.vm, ppn)).toBe('swapped');
    expect(guest.peekBlock(2)).toBe(5);
    checkGuestInvariants(guest);
  });

  it('a write to a cached page the host discarded takes a fresh page and reads nothing from disk', () => {
    const { machine, guest } = hinted();
    run(guest, [OpKind.FileRead, 2]);
    const old = guest.cachedPage(2);
    machine.evict(guest.vm, old);
    const reads = guest.counters().diskReads;
    const hints = machine.counters(guest.vm).hints;
    run(guest, [OpKind.FileWrite, 2, 9]);
    expect(guest.counters().diskReads).toBe(reads);
    expect(machine.counters(guest.vm).discardFaults).toBe(0);
    // set-stable-if-not-discarded failed, the old page was freed (unused), the new one allocated (stable).
    expect(machine.counters(guest.vm).hints).toBe(hints + 3);
    expect(guest.peekBlock(2)).toBe(9);
    checkGuestInvariants(guest);
  });

  it('gives no hints unless asked: every page stays stable', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0 } });
    run(guest, [OpKind.FileRead, 2], [OpKind.Write, 3, 1], [OpKind.Free, 3]);
    expect(machine.counters(guest.vm).hints).toBe(0);
    expect(guest.pageUsage(guest.cachedPage(2))).toBe(Stable);
  });
});
