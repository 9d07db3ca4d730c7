import { checkInvariants } from '@hvsim/machine';
import { OpKind, PageState } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type Op, runOps as run, testGuest } from './guest.fixture';
import { checkGuestInvariants } from './invariants';

const W = (vpn: number, c: number): Op => [OpKind.Write, vpn, c];

describe('balloon driver', () => {
  it('is unavailable while the guest boots', () => {
    const { machine, guest } = testGuest({
      guest: { bootTime: '1s', balloon: { limit: 0.5, rate: 1, installed: true } },
    });
    expect(guest.booted).toBe(false);
    expect(guest.balloon.inflate(4)).toBe(0);
    machine.charge(guest.vm, 1e9);
    expect(guest.booted).toBe(true);
    expect(guest.balloon.inflate(4)).toBe(4);
  });

  it('inflates through the guest allocator: the guest pages out to make room', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: {
        kernel: 2,
        swap: 32,
        addressSpace: 32,
        bootTime: 0,
        balloon: { limit: 0.5, rate: 1, installed: true },
      },
    });
    for (let vpn = 0; vpn < 14; vpn++) run(guest, W(vpn, 50 + vpn));
    expect(guest.balloon.inflate(8)).toBe(8);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(8);
    expect(guest.counters().guestSwapOuts).toBe(8);
    for (let vpn = 0; vpn < 14; vpn++) expect(guest.peekVirtual(vpn)).toBe(50 + vpn);
    checkGuestInvariants(guest);
    checkInvariants(machine);
  });

  it('keeps to its limit and its rate per second of VM time', () => {
    const { machine, guest } = testGuest({
      pages: 100,
      guest: { bootTime: 0, balloon: { limit: 0.3, rate: 0.1, installed: true } },
    });
    expect(guest.balloon.limit).toBe(30);
    expect(guest.balloon.inflate(50)).toBe(10); // 10 pages per second
    expect(guest.balloon.inflate(50)).toBe(0);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(10);
    machine.charge(guest.vm, 1e9);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(10);
    machine.charge(guest.vm, 1e9);
    expect(guest.balloon.inflate(50)).toBe(0); // at its limit of 30
    expect(guest.balloon.deflate(5)).toBe(5);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(25);
  });

  it('moves toward the target the host sets as the guest runs, at its rate per second of VM time', () => {
    const { machine, guest } = testGuest({
      pages: 100,
      guest: { bootTime: 0, balloon: { limit: 0.3, rate: 0.1, installed: true } },
    });
    guest.balloon.setTarget(50);
    expect(guest.balloon.target).toBe(30); // its limit
    expect(guest.balloon.size).toBe(0);
    run(guest, [OpKind.Read, 0]); // the driver polls as the guest runs: a second's 10 pages
    expect(guest.balloon.size).toBe(10);
    run(guest, [OpKind.Compute, 0.5e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(10); // half a second on: nothing more this second
    run(guest, [OpKind.Compute, 0.5e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(20);
    run(guest, [OpKind.Compute, 1e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(30);
    guest.balloon.setTarget(25);
    run(guest, [OpKind.Compute, 1e9]);
    run(guest, [OpKind.Read, 0]);
    expect(guest.balloon.size).toBe(25);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(25);
  });

  it('can be disabled and enabled', () => {
    const { guest } = testGuest({
      guest: { bootTime: 0, balloon: { limit: 0.5, rate: 1, installed: true } },
    });
    guest.balloon.disable();
    expect(guest.balloon.available).toBe(false);
    expect(guest.balloon.inflate(2)).toBe(0);
    guest.balloon.enable();
    expect(guest.balloon.inflate(2)).toBe(2);
  });

  it('uninstalled, its pages go back to the guest, and the host sees pops when they are touched', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, bootTime: 0, balloon: { limit: 0.65, rate: 1, installed: true } },
    });
    expect(guest.balloon.inflate(14)).toBe(10); // limit 0.65 of 16
    guest.balloon.uninstall();
    expect(guest.balloon.available).toBe(false);
    for (let vpn = 0; vpn < 14; vpn++) run(guest, W(vpn, 1));
    expect(machine.counters(guest.vm).balloonPops).toBe(10);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(0);
    checkInvariants(machine);
  });
});

describe('pages the balloon gives back', () => {
  /** A Windows guest of 64 pages that balloons 16, gives them back, then idles a millisecond. */
  function giveBack(returnsZeroed: boolean) {
    const { machine, guest } = testGuest({
      kind: 'windows',
      pages: 64,
      guest: { kernel: 2, bootTime: 0, balloon: { limit: 0.5, rate: 1, returnsZeroed } },
    });
    expect(guest.balloon.inflate(16)).toBe(16);
    const given = [...Array(64).keys()].filter(
      (ppn) => machine.pageState(guest.vm, ppn) === PageState.Ballooned,
    );
    expect(guest.balloon.deflate(16)).toBe(16);
    run(guest, [OpKind.Compute, 1e6]);
    checkGuestInvariants(guest);
    checkInvariants(machine);
    return given.map((ppn) => machine.pageState(guest.vm, ppn));
  }

  it('are known zeros by default: the host backs none until the guest uses it', () => {
    expect(new Set(giveBack(true))).toEqual(new Set([PageState.Unbacked]));
  });

  it('with returnsZeroed: false, are freed pages that a Windows zero-page thread clears, so the host backs them', () => {
    expect(new Set(giveBack(false))).toEqual(new Set([PageState.Private]));
  });
});
