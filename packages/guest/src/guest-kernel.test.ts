import { checkInvariants } from '@hvsim/machine';
import { createOpBatch, InvalidOptionsError, imageBlockContent, OpKind } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type Op, runOps as run, testGuest } from './guest.fixture';
import { GuestOutOfMemoryError, PageUse } from './page-use';
import { windowsGuest } from './windows';

const W = (vpn: number, c: number): Op => [OpKind.Write, vpn, c];
const R = (vpn: number): Op => [OpKind.Read, vpn];

describe('anonymous memory', () => {
  it('Linux clears a new anonymous page when it allocates it, then writes', () => {
    const { machine, guest } = testGuest({ guest: { kernel: 2, bootTime: 0 } });
    const before = { ...machine.counters(guest.vm) };
    run(guest, W(5, 42));
    const after = machine.counters(guest.vm);
    expect(after.writes - before.writes).toBe(2); // clear_page, then the workload's write
    expect(after.zeroFills - before.zeroFills).toBe(1);
    expect(guest.peekVirtual(5)).toBe(42);
    expect(guest.peekVirtual(6)).toBe(0);
  });

  it('Linux touches only its kernel at boot; Windows zeroes all its memory', () => {
    const linux = testGuest({ kind: 'linux', pages: 32, guest: { kernel: 4 } });
    expect(linux.machine.pagePartition(linux.guest.vm).private).toBe(4);
    const windows = testGuest({ kind: 'windows', pages: 32, guest: { kernel: 4 } });
    expect(windows.machine.pagePartition(windows.guest.vm).private).toBe(32);
    for (let ppn = 4; ppn < 32; ppn++) expect(windows.machine.peek(windows.guest.vm, ppn)).toBe(0);
  });

  it('Windows spreads its boot zeroing over the end of boot when told, at a steady pace', () => {
    const { machine, guest } = testGuest({
      kind: 'windows',
      pages: 32,
      guest: { kernel: 4, bootTime: '10ms', bootZeroing: '8ms' },
    });
    const backed = () => machine.pagePartition(guest.vm).private;
    expect(backed()).toBe(4); // the kernel alone at power-on
    run(guest, [OpKind.Compute, 2e6]);
    run(guest, [OpKind.Compute, 4e6]); // zeroing from 2 ms: nothing due yet
    expect(backed()).toBe(4);
    run(guest, [OpKind.Compute, 1]); // at 6 ms, half of the 28 pages
    expect(backed()).toBe(4 + 14);
    run(guest, [OpKind.Compute, 4e6]);
    expect(guest.booted).toBe(true);
    run(guest, [OpKind.Compute, 1]); // boot is over: every page zeroed
    expect(backed()).toBe(32);
    for (let ppn = 4; ppn < 32; ppn++) expect(machine.peek(guest.vm, ppn)).toBe(0);
  });

  it("Windows' boot zeroing leaves alone a page taken from the free list before it got there", () => {
    const { machine, guest } = testGuest({
      kind: 'windows',
      pages: 16,
      guest: { kernel: 2, bootTime: '10ms', bootZeroing: '10ms' },
    });
    run(guest, W(0, 7));
    const ppn = guest.pageOf(0);
    run(guest, [OpKind.Compute, 10e6]);
    run(guest, [OpKind.Compute, 1]);
    expect(machine.pagePartition(guest.vm).private).toBe(16);
    expect(machine.peek(guest.vm, ppn)).toBe(7);
  });

  it('Windows refuses boot zeroing that takes longer than its boot, naming the option', () => {
    const parsed = windowsGuest.options.safeParse({ bootTime: '1s', bootZeroing: '2s' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['bootZeroing'],
      message: 'expected at most the boot time (1 s), got 2 s',
    });
  });

  it('kernel pages hold the blocks of the disk image, identical across VMs of one image', () => {
    const a = testGuest({ guest: { kernel: 3, image: 'debian' } });
    const b = testGuest({ guest: { kernel: 3, image: 'debian' } });
    for (let ppn = 0; ppn < 3; ppn++) {
      expect(a.machine.peek(a.guest.vm, ppn)).toBe(imageBlockContent('debian', ppn));
      expect(b.machine.peek(b.guest.vm, ppn)).toBe(a.machine.peek(a.guest.vm, ppn));
      expect(a.guest.use[ppn]).toBe(PageUse.Kernel);
    }
  });

  it("Windows' zero-page thread clears freed pages while idle, and reuses them without clearing", () => {
    const { machine, guest } = testGuest({
      kind: 'windows',
      guest: { kernel: 2, bootTime: 0, zeroPageRate: 1 },
    });
    run(guest, W(0, 7));
    const ppn = guest.pageOf(0);
    run(guest, [OpKind.Free, 0]);
    expect(guest.dirtyFree.size).toBe(1);
    expect(machine.peek(guest.vm, ppn)).toBe(7); // freed, not yet cleared
    run(guest, [OpKind.Compute, 1e6]); // 1 ms idle at 1 page/ms
    expect(machine.peek(guest.vm, ppn)).toBe(0);
    expect(guest.dirtyFree.size).toBe(0);
    const writes = machine.counters(guest.vm).writes;
    run(guest, W(1, 9));
    expect(machine.counters(guest.vm).writes - writes).toBe(1); // no clearing write
  });

  it('Compute charges the VM its time', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0 } });
    const t = machine.vmTime(guest.vm);
    run(guest, [OpKind.Compute, 5e6]);
    expect(machine.vmTime(guest.vm) - t).toBe(5e6);
  });

  it('pages out to guest swap when memory is full and pages back in with the right contents', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, swap: 64, addressSpace: 64, bootTime: 0 },
    });
    for (let vpn = 0; vpn < 40; vpn++) run(guest, W(vpn, 100 + vpn));
    const c = guest.counters();
    expect(c.guestSwapOuts).toBeGreaterThanOrEqual(40 - 14);
    for (let vpn = 0; vpn < 40; vpn++) expect(guest.peekVirtual(vpn)).toBe(100 + vpn);
    const ins = c.guestSwapIns;
    run(guest, R(0));
    expect(guest.counters().guestSwapIns).toBe(ins + 1);
    expect(guest.peekVirtual(0)).toBe(100);
    expect(machine.counters(guest.vm).diskReads).toBe(guest.counters().diskReads);
    expect(machine.counters(guest.vm).diskWrites).toBe(guest.counters().diskWrites);
    checkInvariants(machine);
  });

  it('tells its disk each page-out and page-in (the page, the slot), and fills a page read back by DMA', () => {
    const outs: [number, number][] = [];
    const ins: [number, number, number][] = [];
    const { machine, guest } = testGuest({
      pages: 16,
      guest: { kernel: 2, swap: 64, addressSpace: 64, bootTime: 0 },
      disk: () => ({
        swapOut: (ppn, slot) => outs.push([ppn, slot]),
        // Seen before the write: the page does not hold the swapped content yet.
        swapIn: (ppn, slot) => ins.push([ppn, slot, machine.peek(guest.vm, ppn) ?? 0]),
      }),
    });
    for (let vpn = 0; vpn < 40; vpn++) run(guest, W(vpn, 100 + vpn));
    expect(outs).toHaveLength(guest.counters().guestSwapOuts);
    const slotOfVpn0 = guest.swapSlotOf(0);
    expect(outs.some(([, slot]) => slot === slotOfVpn0)).toBe(true);
    const writes = machine.counters(guest.vm).writes;
    run(guest, R(0));
    // The page read back is neither cleared first nor written by the CPU: the disk's DMA fills it.
    expect(machine.counters(guest.vm).writes).toBe(writes);
    expect(ins).toHaveLength(1);
    const [ppn, slot, before] = ins[0]!;
    expect(slot).toBe(slotOfVpn0);
    expect(before).not.toBe(100);
    expect(machine.peek(guest.vm, ppn)).toBe(100);
  });

  it('counts double paging: the guest pages out a page the host already swapped', () => {
    const { machine, guest } = testGuest({
      pages: 8,
      guest: { kernel: 1, swap: 16, addressSpace: 16, bootTime: 0 },
    });
    for (let vpn = 0; vpn < 7; vpn++) run(guest, W(vpn, 10 + vpn));
    for (let ppn = 1; ppn < 8; ppn++) machine.swapOut(guest.vm, ppn);
    machine.flushSwapWrites();
    const hostSwapIns = machine.counters(guest.vm).swapIns;
    run(guest, W(7, 99)); // memory is full: the guest evicts its LRU page, which the host had swapped
    expect(guest.counters().doublePagings).toBe(1);
    expect(machine.counters(guest.vm).swapIns).toBeGreaterThan(hostSwapIns);
    for (let vpn = 0; vpn < 8; vpn++) expect(guest.peekVirtual(vpn)).toBe(vpn === 7 ? 99 : 10 + vpn);
  });

  it('fails with GuestOutOfMemoryError when nothing can be reclaimed', () => {
    const { guest } = testGuest({ pages: 8, guest: { kernel: 1, swap: 0, addressSpace: 16, bootTime: 0 } });
    for (let vpn = 0; vpn < 7; vpn++) run(guest, W(vpn, 1));
    expect(() => run(guest, W(7, 1))).toThrow(GuestOutOfMemoryError);
  });

  it('refuses a virtual page outside the address space, naming it', () => {
    const { guest } = testGuest({ guest: { addressSpace: 8, bootTime: 0 } });
    expect(() => run(guest, W(8, 1))).toThrow('workload target: virtual page 8, outside [0, 8)');
    expect(() => run(guest, W(1.5, 1))).toThrow('virtual page 1.5, outside [0, 8)');
    expect(() => run(guest, [OpKind.FileRead, -1])).toThrow(/disk block -1, outside \[0, \d+\)/);
  });
});

describe('deadlines', () => {
  it('stops a batch at the first slow op past the deadline and resumes where it stopped', () => {
    const { machine, guest } = testGuest({ guest: { bootTime: 0, disk: 64, readahead: 0 } });
    const batch = createOpBatch(10);
    for (let i = 0; i < 10; i++) {
      batch.kind[i] = OpKind.FileRead;
      batch.target[i] = i;
    }
    batch.length = 10;
    const start = machine.vmTime(guest.vm);
    const next = guest.execute(batch, 0, start + 1); // the first disk read (8 ms) passes the deadline
    expect(next).toBe(1);
    expect(guest.counters().ops).toBe(1);
    expect(guest.execute(batch, next)).toBe(10);
    expect(guest.counters().ops).toBe(10);
    expect(guest.counters().diskReads).toBe(10);
  });

  it('counts memory ops, not the time a workload computes', () => {
    const { guest } = testGuest({ guest: { bootTime: 0 } });
    const batch = createOpBatch(6);
    const kinds = [OpKind.Read, OpKind.Compute, OpKind.Read, OpKind.Compute, OpKind.Free, OpKind.Compute];
    kinds.forEach((kind, i) => {
      batch.kind[i] = kind;
      batch.target[i] = kind === OpKind.Compute ? 1000 : 3;
    });
    batch.length = 6;
    guest.execute(batch, 0, 1); // faults page 3 in, then stops at the first deadline check
    const before = guest.counters().ops;
    const start = guest.vmTime();
    // The deadline stops it after the first Compute op; the rest runs on the second call.
    expect(guest.execute(batch, 0, start + 1)).toBe(2);
    expect(guest.counters().ops - before).toBe(1);
    expect(guest.execute(batch, 2)).toBe(6);
    expect(guest.counters().ops - before).toBe(3);
  });
});

describe('options', () => {
  it('names the field at fault', () => {
    expect(() => testGuest({ guest: { kernel: -1 } })).toThrow(InvalidOptionsError);
    expect(() => testGuest({ guest: { kernel: -1 } })).toThrow(/kernel/);
    expect(() => testGuest({ guest: { bootTime: 'soon' } })).toThrow(/bootTime/);
    expect(() => testGuest({ guest: { balloon: { limit: 2, rate: 0.1, installed: true } } })).toThrow(
      /balloon\.limit/,
    );
  });

  it('refuses a kernel as large as the VM', () => {
    expect(() => testGuest({ pages: 8, guest: { kernel: 8 } })).toThrow(/fewer kernel pages/);
  });

  it('resolves sizes as fractions, pages or size strings', () => {
    const { guest } = testGuest({ pages: 256, guest: { kernel: 0.25, swap: '512KiB', disk: 1000 } });
    expect(guest.settings.kernelPages).toBe(64);
    expect(guest.settings.swapPages).toBe(128);
    expect(guest.settings.diskBlocks).toBe(1000);
    expect(guest.settings.addressSpacePages).toBe(512);
  });
});
