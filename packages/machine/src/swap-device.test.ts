import { SwapDevice } from '@hvsim/machine';
import { type Mpn, NONE } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';

/** Completes writes due by `now` and returns the frames they freed, in order. */
function complete(device: SwapDevice, now: number): Mpn[] {
  const freed: Mpn[] = [];
  device.complete(now, (mpn) => freed.push(mpn));
  return freed;
}

describe('SwapDevice slots', () => {
  it('allocates distinct slots until full, then returns -1', () => {
    const device = new SwapDevice(3);
    expect(device.used).toBe(0);
    const slots = [10, 11, 12].map((content) => device.allocate(content));
    expect(slots).toEqual([0, 1, 2]);
    expect(slots.map((s) => device.content[s])).toEqual([10, 11, 12]);
    expect(device.used).toBe(3);
    expect(device.allocate(13)).toBe(-1);
    expect(device.used).toBe(3);
    expect(device.content[2]).toBe(12);

    expect(device.release(1)).toBe(-1);
    expect(device.used).toBe(2);
    expect(device.content[1]).toBe(0);
    expect(device.allocate(14)).toBe(1);
    expect(device.content[1]).toBe(14);
    expect(device.allocate(15)).toBe(-1);
  });

  it('a device with no slots is always full', () => {
    const device = new SwapDevice(0);
    expect(device.allocate(1)).toBe(-1);
    expect(device.used).toBe(0);
  });
});

describe('SwapDevice writes', () => {
  it('completes writes in issue order, each when it is due', () => {
    const device = new SwapDevice(4);
    for (let s = 0; s < 3; s++) {
      device.allocate(s + 1);
      device.startWrite(s, 100 + s, 10 * (s + 1));
    }
    expect(device.pendingWrites).toBe(3);
    expect(device.inFlightFrame(0)).toBe(100);
    expect(complete(device, 5)).toEqual([]);
    expect(complete(device, 20)).toEqual([100, 101]);
    expect(device.inFlightFrame(0)).toBe(NONE);
    expect(device.inFlightFrame(1)).toBe(NONE);
    expect(device.inFlightFrame(2)).toBe(102);
    expect(device.pendingWrites).toBe(1);
    expect(complete(device, 20)).toEqual([]);
    expect(complete(device, Number.POSITIVE_INFINITY)).toEqual([102]);
    expect(device.pendingWrites).toBe(0);
    // Completion keeps the slots: the contents are on the device now.
    expect(device.used).toBe(3);
    expect(device.content[2]).toBe(3);
  });

  it('a write with no frame completes without freeing one', () => {
    const device = new SwapDevice(1);
    device.allocate(5);
    device.startWrite(0, NONE, 1);
    expect(complete(device, 1)).toEqual([]);
    expect(device.pendingWrites).toBe(0);
  });

  it("a cancelled write's completion does nothing, even when the slot is reused by a later write", () => {
    const device = new SwapDevice(2);
    const slot = device.allocate(7);
    device.startWrite(slot, 100, 10);
    expect(device.cancelWrite(slot)).toBe(100);
    expect(device.inFlightFrame(slot)).toBe(NONE);
    expect(device.cancelWrite(slot)).toBe(-1);
    expect(device.release(slot)).toBe(-1);

    expect(device.allocate(8)).toBe(slot);
    device.startWrite(slot, 200, 20);
    expect(complete(device, 10)).toEqual([]);
    expect(device.inFlightFrame(slot)).toBe(200);
    expect(complete(device, 20)).toEqual([200]);
    expect(device.inFlightFrame(slot)).toBe(NONE);
  });

  it('a cancelled write restarted on the same slot completes only once, at its new time', () => {
    const device = new SwapDevice(1);
    device.allocate(7);
    device.startWrite(0, 100, 10);
    expect(device.cancelWrite(0)).toBe(100);
    device.startWrite(0, 101, 30);
    expect(complete(device, 10)).toEqual([]);
    expect(complete(device, 29)).toEqual([]);
    expect(complete(device, 30)).toEqual([101]);
  });

  it('releasing a slot with a write in flight hands its frame back and voids the completion', () => {
    const device = new SwapDevice(1);
    device.allocate(7);
    device.startWrite(0, 100, 10);
    expect(device.release(0)).toBe(100);
    expect(device.used).toBe(0);
    device.allocate(8);
    device.startWrite(0, 300, 40);
    expect(complete(device, 10)).toEqual([]);
    expect(complete(device, 40)).toEqual([300]);
  });

  it('grows its queue past 64 entries, also when the ring has wrapped', () => {
    const device = new SwapDevice(300);
    let time = 0;
    const start = (n: number) => {
      for (let k = 0; k < n; k++) {
        const slot = device.allocate(1);
        time++;
        device.startWrite(slot, 1000 + slot, time);
      }
    };
    start(50);
    expect(complete(device, 40)).toEqual(Array.from({ length: 40 }, (_, s) => 1000 + s));
    // Ten left at the ring's end; 100 more wrap around it and force a growth (and a second one).
    start(140);
    expect(device.pendingWrites).toBe(150);
    const freed = complete(device, Number.POSITIVE_INFINITY);
    expect(freed).toEqual(Array.from({ length: 150 }, (_, k) => 1000 + 40 + k));
    expect(device.pendingWrites).toBe(0);
    expect(device.used).toBe(190);

    // The grown ring keeps working.
    start(5);
    expect(complete(device, time)).toEqual(Array.from({ length: 5 }, (_, k) => 1000 + 190 + k));
  });

  it('grows a queue that never completed', () => {
    const device = new SwapDevice(200);
    for (let s = 0; s < 200; s++) {
      device.allocate(s);
      device.startWrite(s, s, s);
    }
    expect(device.pendingWrites).toBe(200);
    expect(complete(device, 99)).toEqual(Array.from({ length: 100 }, (_, s) => s));
    expect(complete(device, 199)).toEqual(Array.from({ length: 100 }, (_, s) => 100 + s));
  });
});
