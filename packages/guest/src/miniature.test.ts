import { DEFAULT_COSTS } from '@hvsim/machine';
import { OpKind, time } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { runOps as run, testGuest } from './guest.fixture';
import type { GuestKernel } from './guest-kernel';
import type { GuestOptionsInput } from './options';

/** Everything in a guest's settings but its content function, which is a new closure each time. */
function settingsOf(guest: GuestKernel) {
  const { diskContent: _, ...settings } = guest.settings;
  return settings;
}

const sized: GuestOptionsInput = {
  kernel: 64,
  swap: 1600,
  addressSpace: 2048,
  disk: 4096,
  bootTime: 0,
  cmm: { installed: true },
};

describe('a guest in a miniature', () => {
  it('divides its sizes in pages by the scale and multiplies the DIAG 10 per page', () => {
    const { guest } = testGuest({ pages: 64, frames: 300, scale: 16, guest: sized });
    expect(guest.settings).toMatchObject({
      kernelPages: 4,
      swapPages: 100,
      addressSpacePages: 128,
      diskBlocks: 256,
      readaheadBlocks: 2, // 128 KiB, 32 pages
      fullReadaheadBlocks: 32,
      cmm: { diag10: time.us(2) * 16, oomPages: 16 },
    });
  });

  it('keeps fractions of the VM, which apply to the miniature VM already', () => {
    const { guest } = testGuest({
      pages: 64,
      frames: 300,
      scale: 16,
      guest: { kernel: 0.25, bootTime: 0, balloon: { rate: 0.5 } },
    });
    expect(guest.settings).toMatchObject({
      kernelPages: 16,
      swapPages: 64,
      addressSpacePages: 128,
      diskBlocks: 256,
      balloon: { pagesPerSecond: 32 },
    });
  });

  it("divides Windows' zero-page rate by the scale", () => {
    const windows = (scale: number) =>
      testGuest({ kind: 'windows', scale, guest: { bootTime: 0, zeroPageRate: 64 } }).guest;
    expect(windows(16).settings.habits.zeroPagesPerIdleMs).toBe(4);
    expect(windows(1).settings.habits.zeroPagesPerIdleMs).toBe(64);
  });

  it('at scale 1 has the settings it has without a scale', () => {
    const plain = testGuest({ pages: 256, guest: sized }).guest;
    const one = testGuest({ pages: 256, scale: 1, guest: sized }).guest;
    expect(settingsOf(one)).toEqual(settingsOf(plain));
    expect(plain.settings.readaheadBlocks).toBe(32);
    expect(plain.settings.fullReadaheadBlocks).toBe(32);
  });
});

describe('disk requests in a miniature', () => {
  it('counts a readahead read as the full-size requests its blocks stand for, and charges their transfer', () => {
    const { machine, guest } = testGuest({ scale: 16, guest: { bootTime: 0 } });
    const before = machine.counters(guest.vm).time;
    run(guest, [OpKind.FileRead, 0]); // 2 blocks, standing for 32: one full-size window
    expect(guest.counters().diskReads).toBe(1);
    expect(machine.counters(guest.vm).diskReads).toBe(1);
    const disk = DEFAULT_COSTS.diskRead + 31 * DEFAULT_COSTS.diskTransfer;
    expect(machine.counters(guest.vm).time - before).toBeGreaterThanOrEqual(disk);
    expect(machine.counters(guest.vm).time - before).toBeLessThan(disk + time.ms(1)); // not two requests
  });

  it('reads blocks read apart over the full-size window, each request standing for R', () => {
    const { machine, guest } = testGuest({
      pages: 256,
      scale: 16,
      diskLocality: 'apart',
      guest: { bootTime: 0 },
    });
    const before = machine.counters(guest.vm).time;
    run(guest, [OpKind.FileRead, 0]); // 32 blocks, standing for 512: the windows of 16 random misses
    expect(guest.cachedPage(31)).toBeGreaterThanOrEqual(0);
    expect(guest.cachedPage(32)).toBe(-1);
    expect(guest.counters().diskReads).toBe(16);
    expect(machine.counters(guest.vm).diskReads).toBe(16);
    const disk = 16 * DEFAULT_COSTS.diskRead + (32 * 16 - 16) * DEFAULT_COSTS.diskTransfer;
    expect(machine.counters(guest.vm).time - before).toBeGreaterThanOrEqual(disk);
    // The frames' first touches besides (32 zero-fills of 16 pages each), but not a 17th request.
    expect(machine.counters(guest.vm).time - before).toBeLessThan(disk + DEFAULT_COSTS.diskRead);
  });

  it('reads blocks read together over the window divided by R, also when the workload says so', () => {
    const { guest } = testGuest({ scale: 16, diskLocality: 'together', guest: { bootTime: 0 } });
    run(guest, [OpKind.FileRead, 0]);
    expect(guest.cachedPage(1)).toBeGreaterThanOrEqual(0);
    expect(guest.cachedPage(2)).toBe(-1);
    expect(guest.counters().diskReads).toBe(1);
  });

  it('counts a read of a window smaller than a block as the windows it stands for', () => {
    const { machine, guest } = testGuest({ scale: 64, guest: { bootTime: 0 } });
    run(guest, [OpKind.FileRead, 0]); // 1 block, standing for 64: two windows of 32
    expect(guest.counters().diskReads).toBe(2);
    expect(machine.counters(guest.vm).diskReads).toBe(2);
  });

  it('counts a one-page guest swap-in or swap-out as R requests, and a write-back by its window', () => {
    const { machine, guest } = testGuest({
      pages: 16,
      scale: 4,
      guest: { kernel: 2, swap: 256, addressSpace: 256, bootTime: 0, readahead: 16 },
    });
    for (let vpn = 0; vpn < 40; vpn++) run(guest, [OpKind.Write, vpn, 100 + vpn]);
    const { guestSwapOuts, diskWrites } = guest.counters();
    expect(guestSwapOuts).toBeGreaterThan(0);
    expect(diskWrites).toBe(4 * guestSwapOuts);
    run(guest, [OpKind.Read, 0]);
    expect(guest.counters()).toMatchObject({ guestSwapIns: 1, diskReads: 4 });
    expect(machine.counters(guest.vm).diskReads).toBe(4);
    expect(machine.counters(guest.vm).diskWrites).toBe(guest.counters().diskWrites);
  });

  it('counts a write-back of a block as the share of a full-size cluster it stands for', () => {
    const { machine, guest } = testGuest({
      scale: 4,
      guest: { image: 'img', bootTime: 0, writeback: '30s', readahead: 16 },
    });
    expect(guest.settings.readaheadBlocks).toBe(4);
    run(guest, [OpKind.FileWrite, 2, 5]); // one dirty block: 4 of a full-size window of 16
    for (const seconds of [16, 15]) {
      machine.charge(guest.vm, time.s(seconds)); // the flusher's passes at 15 s and 30 s
      run(guest, [OpKind.FileRead, 9]);
    }
    expect(guest.onDisk(2)).toBe(5);
    expect(guest.counters().diskWrites).toBe(1);
  });

  it('at scale 1 charges and counts every request as without a scale', () => {
    const runs = [undefined, 1].map((scale) => {
      const { machine, guest } = testGuest({
        pages: 16,
        ...(scale === undefined ? {} : { scale }),
        guest: { kernel: 2, swap: 64, addressSpace: 64, bootTime: 0, readahead: 4, image: 'img' },
      });
      for (let vpn = 0; vpn < 30; vpn++) run(guest, [OpKind.Write, vpn, 100 + vpn], [OpKind.FileRead, vpn]);
      run(guest, [OpKind.Read, 0]);
      return { guest: guest.counters(), machine: machine.counters(guest.vm) };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]!.guest.diskReads).toBeGreaterThan(0);
  });
});
