import {
  CONTENT_STORE_BASE,
  ContentStore,
  checkInvariants,
  createMachine,
  DiscardFaultError,
  DomainMismatchError,
  InvalidTransitionError,
  MAX_CHANNELS,
  type Machine,
  type MachineOptions,
  OutOfFramesError,
  OutOfRangeError,
  ReclaimerAccessError,
} from '@hvsim/machine';
import {
  accessOp,
  type FramePartition,
  FrameState,
  GuestPageUsage,
  HvsimError,
  InvalidInputError,
  PAGE_SIZE,
  PageState,
  type Ppn,
  type SimEvent,
  type VmCounters,
  type VmId,
} from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

// ---- helpers -------------------------------------------------------------------------------------------

/** Expects the exact frame partition: states not named are expected to hold no frame. */
function expectFrames(machine: Machine, counts: Partial<FramePartition>): void {
  expect(machine.framePartition()).toEqual({
    free: 0,
    private: 0,
    shared: 0,
    inFlight: 0,
    reserved: 0,
    overhead: 0,
    compressed: 0,
    ...counts,
  });
  expect(machine.freeFrames).toBe(counts.free ?? 0);
}

/** Returns a function giving the counters that changed since its last call (only the non-zero deltas). */
function tracker(machine: Machine, vm: VmId): () => Partial<VmCounters> {
  let base: VmCounters = { ...machine.counters(vm) };
  return () => {
    const now: VmCounters = { ...machine.counters(vm) };
    const diff: Partial<Record<keyof VmCounters, number>> = {};
    for (const key of Object.keys(now) as (keyof VmCounters)[]) {
      if (now[key] !== base[key]) diff[key] = now[key] - base[key];
    }
    base = now;
    return diff;
  };
}

/** A 16-frame host (15 free after the zero page) with 4 swap slots and one 8-page VM. */
function setup(options: Partial<MachineOptions> = {}, pages = 8) {
  const machine = createMachine({ frames: 16, swapSlots: 4, ...options });
  const vm = machine.addVm({ pages });
  return { machine, vm, changes: tracker(machine, vm), costs: machine.costs };
}

/** Two private pages holding 5, shared onto the frame of the first. */
function sharedPair() {
  const s = setup();
  const { machine, vm } = s;
  machine.write(vm, 0, 5);
  machine.write(vm, 1, 5);
  const frame = machine.share(vm, 1, vm, 0);
  s.changes();
  return { ...s, frame };
}

// ---- tests ---------------------------------------------------------------------------------------------

describe('zero-fill', () => {
  it('fills a zeroed private frame on the first read, then reads on the fast path', () => {
    const { machine, vm, changes, costs } = setup();
    expect(machine.pageState(vm, 2)).toBe(PageState.Unbacked);
    expect(machine.frameOf(vm, 2)).toBeUndefined();
    expect(machine.peek(vm, 2)).toBe(0);

    expect(machine.read(vm, 2)).toBe(0);
    expect(machine.pageState(vm, 2)).toBe(PageState.Private);
    const frame = machine.frameOf(vm, 2)!;
    expect(frame).toBeDefined();
    expect(frame).not.toBe(machine.zeroFrame);
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    expect(machine.frameContent(frame)).toBe(0);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      zeroFills: 1,
      time: costs.access + costs.zeroFill,
    });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    expect(machine.pagePartition(vm)).toMatchObject({ unbacked: 7, private: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 2)).toBe(0);
    expect(changes()).toEqual({ accesses: 1, time: costs.access });
    expect(machine.frameOf(vm, 2)).toBe(frame);
    checkInvariants(machine);
  });

  it('fills a private frame on the first write and stores the content', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 3, 42);
    expect(machine.pageState(vm, 3)).toBe(PageState.Private);
    expect(machine.peek(vm, 3)).toBe(42);
    expect(machine.frameContent(machine.frameOf(vm, 3)!)).toBe(42);
    expect(changes()).toEqual({
      accesses: 1,
      writes: 1,
      slowAccesses: 1,
      zeroFills: 1,
      time: costs.access + costs.zeroFill,
    });
    expect(machine.vmTime(vm)).toBe(costs.access + costs.zeroFill);
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });
});

describe('write then read', () => {
  it('reads back what was written, later writes take the fast path, pages are independent', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    changes();
    expect(machine.read(vm, 0)).toBe(7);
    expect(changes()).toEqual({ accesses: 1, time: costs.access });
    machine.write(vm, 0, 8);
    expect(changes()).toEqual({ accesses: 1, writes: 1, time: costs.access });
    expect(machine.read(vm, 0)).toBe(8);
    expect(machine.read(vm, 1)).toBe(0);
    expect(machine.peek(vm, 0)).toBe(8);
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('keeps the contents of different VMs apart', () => {
    const { machine, vm } = setup();
    const other = machine.addVm({ pages: 2 });
    machine.write(vm, 0, 1);
    machine.write(other, 0, 2);
    expect(machine.read(vm, 0)).toBe(1);
    expect(machine.read(other, 0)).toBe(2);
    expect(machine.frameOf(vm, 0)).not.toBe(machine.frameOf(other, 0));
    checkInvariants(machine);
  });
});

describe('share', () => {
  it('shares two private pages with equal content: one frame freed, refcount 2, both shared', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 5);
    machine.write(vm, 1, 5);
    const f0 = machine.frameOf(vm, 0)!;
    const f1 = machine.frameOf(vm, 1)!;
    changes();
    expectFrames(machine, { free: 13, private: 2, shared: 1 });

    const mpn = machine.share(vm, 1, vm, 0);
    expect(mpn).toBe(f0);
    expect(machine.pageState(vm, 0)).toBe(PageState.Shared);
    expect(machine.pageState(vm, 1)).toBe(PageState.Shared);
    expect(machine.frameOf(vm, 0)).toBe(mpn);
    expect(machine.frameOf(vm, 1)).toBe(mpn);
    expect(machine.frameState(mpn)).toBe(FrameState.Shared);
    expect(machine.frameState(f1)).toBe(FrameState.Free);
    expect(machine.refCount(mpn)).toBe(2);
    expect(machine.sharedFrameFor(5)).toBe(mpn);
    expect(machine.sharedFrames).toBe(2);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 14, shared: 2 });
    expect(machine.pagePartition(vm)).toMatchObject({ shared: 2, private: 0, unbacked: 6 });
    checkInvariants(machine);

    // Reads of shared pages stay on the fast path.
    expect(machine.read(vm, 0)).toBe(5);
    expect(machine.read(vm, 1)).toBe(5);
    expect(changes()).toEqual({ accesses: 2, time: 2 * costs.access });
    checkInvariants(machine);
  });

  it('keeps sharing domains apart: equal contents get one frame per domain, never one across', () => {
    const { machine, vm } = setup();
    for (let ppn = 0; ppn < 4; ppn++) machine.write(vm, ppn, 5);
    const one = machine.share(vm, 1, vm, 0, 1);
    const two = machine.share(vm, 3, vm, 2, 2);
    expect(two).not.toBe(one);
    expect([machine.frameDomain(one), machine.frameDomain(two)]).toEqual([1, 2]);
    expect([machine.sharedFrameFor(5, 1), machine.sharedFrameFor(5, 2), machine.sharedFrameFor(5)]).toEqual([
      one,
      two,
      undefined,
    ]);
    expect(() => machine.share(vm, 2, vm, 0, 2)).toThrow(DomainMismatchError);
    checkInvariants(machine);
    machine.write(vm, 0, 6); // a frame that loses its last mappers leaves its domain's index
    machine.write(vm, 1, 6);
    expect(machine.sharedFrameFor(5, 1)).toBeUndefined();
    expect(machine.sharedFrameFor(5, 2)).toBe(two);
    checkInvariants(machine);
  });

  it('shares a third page (of another VM) onto the existing shared frame', () => {
    const { machine, vm, frame } = sharedPair();
    const other = machine.addVm({ pages: 2 });
    machine.write(other, 0, 5);
    const own = machine.frameOf(other, 0)!;
    expectFrames(machine, { free: 13, private: 1, shared: 2 });

    expect(machine.share(other, 0, vm, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(3);
    expect(machine.pageState(other, 0)).toBe(PageState.Shared);
    expect(machine.frameOf(other, 0)).toBe(frame);
    expect(machine.frameState(own)).toBe(FrameState.Free);
    expect(machine.sharedFrames).toBe(2);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);

    // Sharing pages already on the frame again changes nothing.
    expect(machine.share(vm, 1, other, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(3);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('shares a private page onto a shared frame through the page shared onto being private', () => {
    const { machine, vm, frame } = sharedPair();
    machine.write(vm, 2, 5);
    // Onto a private page whose content already has a shared frame: both end up on that frame.
    expect(machine.share(vm, 1, vm, 2)).toBe(frame);
    expect(machine.pageState(vm, 2)).toBe(PageState.Shared);
    expect(machine.refCount(frame)).toBe(3);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('shareWithFrame maps a zero page onto the zero frame; a write then copies even at refcount 1', () => {
    const { machine, vm, changes, costs } = setup();
    const zero = machine.zeroFrame;
    expect(machine.frameState(zero)).toBe(FrameState.Shared);
    expect(machine.refCount(zero)).toBe(0);
    expect(machine.sharedFrameFor(0)).toBe(zero);
    expect(machine.read(vm, 2)).toBe(0);
    const own = machine.frameOf(vm, 2)!;
    changes();

    machine.shareWithFrame(vm, 2, zero);
    expect(machine.pageState(vm, 2)).toBe(PageState.Shared);
    expect(machine.frameOf(vm, 2)).toBe(zero);
    expect(machine.refCount(zero)).toBe(1);
    expect(machine.frameState(own)).toBe(FrameState.Free);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 2)).toBe(0);
    expect(changes()).toEqual({ accesses: 1, time: costs.access });

    // The zero frame is never handed to a writer, even as its only mapper.
    machine.write(vm, 2, 9);
    expect(machine.pageState(vm, 2)).toBe(PageState.Private);
    expect(machine.frameOf(vm, 2)).not.toBe(zero);
    expect(machine.read(vm, 2)).toBe(9);
    expect(machine.frameState(zero)).toBe(FrameState.Shared);
    expect(machine.frameContent(zero)).toBe(0);
    expect(machine.refCount(zero)).toBe(0);
    expect(machine.sharedFrameFor(0)).toBe(zero);
    expect(changes()).toEqual({
      accesses: 2,
      writes: 1,
      slowAccesses: 1,
      cowBreaks: 1,
      time: 2 * costs.access + costs.cowBreak,
    });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('shares two zero pages onto the zero frame (not onto either page)', () => {
    const { machine, vm } = setup();
    machine.read(vm, 0);
    machine.read(vm, 1);
    expect(machine.share(vm, 1, vm, 0)).toBe(machine.zeroFrame);
    expect(machine.refCount(machine.zeroFrame)).toBe(2);
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);
  });
});

describe('fillShared', () => {
  /** A private source page 0 holding 5; returns its frame. */
  function source(options: Partial<MachineOptions> = {}) {
    const s = setup(options);
    s.machine.write(s.vm, 0, 5);
    const frame = s.machine.frameOf(s.vm, 0)!;
    s.changes();
    return { ...s, frame };
  }

  /** Everything a refused fillShared must leave as it was. */
  function snapshot(machine: Machine) {
    return {
      frames: machine.framePartition(),
      swapUsed: machine.usedSwapSlots,
      sharedFrames: machine.sharedFrames,
      vms: machine.vms().map((vm) => ({
        counters: { ...machine.counters(vm) },
        pages: Array.from({ length: machine.pageCount(vm) }, (_, p) => {
          const frame = machine.frameOf(vm, p);
          return {
            state: machine.pageState(vm, p),
            frame,
            content: machine.peek(vm, p),
            refs: frame === undefined ? undefined : machine.refCount(frame),
          };
        }),
      })),
    };
  }

  it('fills an unbacked page onto a private source: the source becomes shared, refcount 2, no frame taken', () => {
    const { machine, vm, frame, changes } = source();
    expectFrames(machine, { free: 14, private: 1, shared: 1 });

    expect(machine.fillShared(vm, 3, vm, 0)).toBe(frame);
    expect(machine.pageState(vm, 3)).toBe(PageState.Shared);
    expect(machine.pageState(vm, 0)).toBe(PageState.Shared);
    expect(machine.frameOf(vm, 3)).toBe(frame);
    expect(machine.frameOf(vm, 0)).toBe(frame);
    expect(machine.frameState(frame)).toBe(FrameState.Shared);
    expect(machine.refCount(frame)).toBe(2);
    expect(machine.frameDomain(frame)).toBe(0);
    expect(machine.sharedFrameFor(5)).toBe(frame);
    expect(machine.peek(vm, 3)).toBe(5);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 14, shared: 2 });
    expect(machine.pagePartition(vm)).toMatchObject({ shared: 2, private: 0, unbacked: 6 });
    checkInvariants(machine);
  });

  it('fills a private page: its old frame is freed, so the two pages now hold one frame', () => {
    const { machine, vm, frame } = source();
    machine.write(vm, 1, 9);
    const old = machine.frameOf(vm, 1)!;
    expectFrames(machine, { free: 13, private: 2, shared: 1 });

    expect(machine.fillShared(vm, 1, vm, 0)).toBe(frame);
    expect(machine.frameState(old)).toBe(FrameState.Free);
    expect(machine.refCount(frame)).toBe(2);
    expect(machine.peek(vm, 1)).toBe(5);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('fills a shared page: it leaves its old frame (freed with its last mapper) and joins the source’s', () => {
    const { machine, vm, frame: old } = sharedPair(); // pages 0 and 1 share `old`, holding 5
    machine.write(vm, 2, 7);
    const frame = machine.frameOf(vm, 2)!;
    expectFrames(machine, { free: 13, private: 1, shared: 2 });

    expect(machine.fillShared(vm, 1, vm, 2)).toBe(frame);
    expect(machine.refCount(old)).toBe(1);
    expect(machine.refCount(frame)).toBe(2);
    expect(machine.peek(vm, 1)).toBe(7);
    expect(machine.peek(vm, 0)).toBe(5);
    expectFrames(machine, { free: 13, shared: 3 });
    checkInvariants(machine);

    // The old frame's last mapper leaves it: it is freed and leaves the sharing index.
    expect(machine.fillShared(vm, 0, vm, 2)).toBe(frame);
    expect(machine.frameState(old)).toBe(FrameState.Free);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expect(machine.refCount(frame)).toBe(3);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('fills a swapped page: its slot is freed, with no swap-in', () => {
    const { machine, vm, frame, changes, costs } = source();
    machine.write(vm, 1, 9);
    machine.swapOut(vm, 1);
    machine.advanceTo(machine.now + costs.swapOutLatency);
    changes();
    expect(machine.usedSwapSlots).toBe(1);
    expectFrames(machine, { free: 14, private: 1, shared: 1 });

    expect(machine.fillShared(vm, 1, vm, 0)).toBe(frame);
    expect(machine.usedSwapSlots).toBe(0);
    expect(machine.pageState(vm, 1)).toBe(PageState.Shared);
    expect(machine.peek(vm, 1)).toBe(5);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('fills a page whose swap write is in flight: slot and in-flight frame freed, the late completion ignored', () => {
    const { machine, vm, frame, costs } = source();
    machine.write(vm, 1, 9);
    const old = machine.frameOf(vm, 1)!;
    machine.swapOut(vm, 1);
    expectFrames(machine, { free: 13, private: 1, inFlight: 1, shared: 1 });

    expect(machine.fillShared(vm, 1, vm, 0)).toBe(frame);
    expect(machine.usedSwapSlots).toBe(0);
    expect(machine.frameState(old)).toBe(FrameState.Free);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);

    // The freed frame goes to another page; the forgotten write's completion must not free it.
    machine.write(vm, 4, 11);
    expect(machine.frameOf(vm, 4)).toBe(old);
    machine.advanceTo(machine.now + costs.swapOutLatency);
    expect(machine.frameState(old)).toBe(FrameState.Private);
    expect(machine.read(vm, 4)).toBe(11);
    expectFrames(machine, { free: 13, private: 1, shared: 2 });
    checkInvariants(machine);
  });

  it('fills a compressed page: its cache entry and the cache frame it no longer needs are freed', () => {
    const { machine, vm, frame } = source();
    machine.write(vm, 1, 9);
    machine.compress(vm, 1, 3000);
    expect(machine.compressionFrames(vm)).toBe(1);
    expectFrames(machine, { free: 13, private: 1, compressed: 1, shared: 1 });

    expect(machine.fillShared(vm, 1, vm, 0)).toBe(frame);
    expect(machine.compression.used).toBe(0);
    expect(machine.compressedBytes(vm)).toBe(0);
    expect(machine.compressionFrames(vm)).toBe(0);
    expect(machine.peek(vm, 1)).toBe(5);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('joins an already shared source’s frame; a page already on it changes nothing', () => {
    const { machine, vm, frame } = sharedPair();
    const other = machine.addVm({ pages: 2 });
    expectFrames(machine, { free: 14, shared: 2 });

    expect(machine.fillShared(other, 0, vm, 1)).toBe(frame);
    expect(machine.fillShared(vm, 3, other, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(4);
    expect(machine.fillShared(vm, 1, vm, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(4);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);

    // Onto a private source whose content already has a shared frame: both end up on that frame.
    machine.write(vm, 2, 5);
    expect(machine.fillShared(vm, 4, vm, 2)).toBe(frame);
    expect(machine.pageState(vm, 2)).toBe(PageState.Shared);
    expect(machine.refCount(frame)).toBe(6);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('works in a sharing domain as share does; the zero frame belongs to every domain', () => {
    const { machine, vm, frame } = source();
    expect(machine.fillShared(vm, 1, vm, 0, 3)).toBe(frame);
    expect(machine.frameDomain(frame)).toBe(3);
    expect([machine.sharedFrameFor(5, 3), machine.sharedFrameFor(5)]).toEqual([frame, undefined]);
    expect(machine.fillShared(vm, 2, vm, 1, 3)).toBe(frame);
    expect(machine.refCount(frame)).toBe(3);
    checkInvariants(machine);

    // Equal contents in another domain get a frame of their own.
    machine.write(vm, 3, 5);
    const four = machine.fillShared(vm, 4, vm, 3, 4);
    expect(four).not.toBe(frame);
    expect(machine.frameDomain(four)).toBe(4);
    checkInvariants(machine);

    // A zero page fills onto the zero frame, from any domain.
    machine.read(vm, 5);
    expect(machine.fillShared(vm, 6, vm, 5, 1)).toBe(machine.zeroFrame);
    expect(machine.fillShared(vm, 7, vm, 6, 2)).toBe(machine.zeroFrame);
    expect(machine.refCount(machine.zeroFrame)).toBe(3);
    expectFrames(machine, { free: 15 - 2, shared: 3 });
    checkInvariants(machine);
  });

  it('refuses a ballooned or discarded page, a source not resident, the page itself, another domain', () => {
    const { machine, vm } = source();
    const refuse = (fill: () => unknown, error: new (...args: never[]) => Error) => {
      const before = snapshot(machine);
      expect(fill).toThrow(error);
      expect(snapshot(machine)).toEqual(before);
      checkInvariants(machine);
    };
    machine.balloon(vm, 1);
    machine.setPageUsage(vm, 2, GuestPageUsage.Volatile); // logically zero: discarded
    expect(machine.pageState(vm, 2)).toBe(PageState.Discarded);
    refuse(() => machine.fillShared(vm, 1, vm, 0), InvalidTransitionError);
    refuse(() => machine.fillShared(vm, 2, vm, 0), InvalidTransitionError);

    // Sources: unbacked, ballooned, discarded, swapped, compressed.
    machine.write(vm, 4, 5);
    machine.swapOut(vm, 4);
    machine.write(vm, 5, 5);
    machine.compress(vm, 5, 100);
    for (const onto of [3, 1, 2, 4, 5])
      refuse(() => machine.fillShared(vm, 6, vm, onto), InvalidTransitionError);

    refuse(() => machine.fillShared(vm, 0, vm, 0), OutOfRangeError);
    refuse(() => machine.fillShared(vm, 8, vm, 0), OutOfRangeError);
    refuse(() => machine.fillShared(vm, 6, vm, 8), OutOfRangeError);

    machine.fillShared(vm, 7, vm, 0, 1);
    refuse(() => machine.fillShared(vm, 6, vm, 0, 2), DomainMismatchError);
    refuse(() => machine.fillShared(vm, 6, vm, 7), DomainMismatchError);
  });

  it('the filled page reads the source’s content; a write gives it a private copy, the source unchanged', () => {
    const { machine, vm, frame, costs } = source();
    const other = machine.addVm({ pages: 2 });
    const otherChanges = tracker(machine, other);
    machine.write(other, 1, 9);
    machine.fillShared(other, 0, vm, 0);
    machine.fillShared(other, 1, vm, 0);
    otherChanges();
    expect(machine.read(other, 0)).toBe(5);
    expect(machine.deviceRead(other, 1)).toBe(5);
    expect(otherChanges()).toEqual({ accesses: 1, time: costs.access });

    machine.write(other, 0, 8);
    expect(machine.pageState(other, 0)).toBe(PageState.Private);
    expect(machine.frameOf(other, 0)).not.toBe(frame);
    expect(machine.read(other, 0)).toBe(8);
    expect(machine.read(vm, 0)).toBe(5);
    expect(machine.read(other, 1)).toBe(5);
    expect(machine.refCount(frame)).toBe(2);
    expect(otherChanges()).toMatchObject({ writes: 1, cowBreaks: 1 });
    checkInvariants(machine);

    // A write to the source leaves the page filled from it as it was.
    machine.write(vm, 0, 6);
    expect(machine.read(other, 1)).toBe(5);
    expect(machine.read(vm, 0)).toBe(6);
    expect(machine.frameOf(other, 1)).toBe(frame);
    expect(machine.refCount(frame)).toBe(1);
    checkInvariants(machine);
  });
});

describe('copy-on-write break', () => {
  it('gives the writer a private copy; the other mapper keeps reading the old content', () => {
    const { machine, vm, changes, costs } = setup();
    const other = machine.addVm({ pages: 2 });
    const otherChanges = tracker(machine, other);
    machine.write(vm, 0, 5);
    machine.write(other, 1, 5);
    const frame = machine.share(vm, 0, other, 1);
    changes();
    otherChanges();
    expectFrames(machine, { free: 14, shared: 2 });

    machine.write(vm, 0, 9);
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    const copy = machine.frameOf(vm, 0)!;
    expect(copy).not.toBe(frame);
    expect(machine.frameState(copy)).toBe(FrameState.Private);
    expect(machine.read(vm, 0)).toBe(9);
    expect(machine.pageState(other, 1)).toBe(PageState.Shared);
    expect(machine.frameOf(other, 1)).toBe(frame);
    expect(machine.read(other, 1)).toBe(5);
    expect(machine.frameContent(frame)).toBe(5);
    expect(machine.refCount(frame)).toBe(1);
    expect(changes()).toEqual({
      accesses: 2,
      writes: 1,
      slowAccesses: 1,
      cowBreaks: 1,
      time: 2 * costs.access + costs.cowBreak,
    });
    expect(otherChanges()).toEqual({ accesses: 1, time: costs.access });
    expectFrames(machine, { free: 13, private: 1, shared: 2 });
    checkInvariants(machine);
  });

  it('reuses the frame without a copy when the writer is its last mapper', () => {
    const { machine, vm, changes, costs, frame } = sharedPair();
    machine.write(vm, 1, 9);
    expect(machine.refCount(frame)).toBe(1);
    changes();
    expectFrames(machine, { free: 13, private: 1, shared: 2 });

    machine.write(vm, 0, 11);
    expect(machine.frameOf(vm, 0)).toBe(frame);
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    expect(machine.frameContent(frame)).toBe(11);
    expect(machine.refCount(frame)).toBe(0);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expect(machine.sharedFrames).toBe(1);
    expect(changes()).toEqual({
      accesses: 1,
      writes: 1,
      slowAccesses: 1,
      cowBreaks: 1,
      time: costs.access + costs.minorTrap,
    });
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('breakShare copies explicitly, charges nothing, and is a no-op on a private page', () => {
    const { machine, vm, changes, frame } = sharedPair();
    const copy = machine.breakShare(vm, 1);
    expect(copy).not.toBe(frame);
    expect(machine.frameOf(vm, 1)).toBe(copy);
    expect(machine.pageState(vm, 1)).toBe(PageState.Private);
    expect(machine.frameContent(copy)).toBe(5);
    expect(machine.refCount(frame)).toBe(1);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 13, private: 1, shared: 2 });
    checkInvariants(machine);

    // A private page: returns its frame, changes nothing.
    expect(machine.breakShare(vm, 1)).toBe(copy);
    expectFrames(machine, { free: 13, private: 1, shared: 2 });

    // The last mapper keeps the frame.
    expect(machine.breakShare(vm, 0)).toBe(frame);
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });
});

describe('swap', () => {
  it('swapOut of a private page holds the frame in flight until the write completes', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    const frame = machine.frameOf(vm, 0)!;
    changes();
    const t0 = machine.now;

    const slot = machine.swapOut(vm, 0);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(slot).toBeLessThan(machine.swapSlots);
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expect(machine.frameOf(vm, 0)).toBeUndefined();
    expect(machine.peek(vm, 0)).toBe(7);
    expect(machine.frameState(frame)).toBe(FrameState.InFlight);
    expect(machine.usedSwapSlots).toBe(1);
    expect(machine.swap.content[slot]).toBe(7);
    expect(changes()).toEqual({ swapOuts: 1 });
    expectFrames(machine, { free: 14, inFlight: 1, shared: 1 });
    checkInvariants(machine);

    machine.advanceTo(t0 + costs.swapOutLatency - 1);
    expect(machine.frameState(frame)).toBe(FrameState.InFlight);
    expectFrames(machine, { free: 14, inFlight: 1, shared: 1 });
    checkInvariants(machine);

    machine.advanceTo(t0 + costs.swapOutLatency);
    expect(machine.now).toBe(t0 + costs.swapOutLatency);
    expect(machine.frameState(frame)).toBe(FrameState.Free);
    expect(machine.usedSwapSlots).toBe(1);
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 0)).toBe(7);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);
  });

  it('an access before the write completes takes the frame back: a soft fault, no swap-in', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    const frame = machine.frameOf(vm, 0)!;
    const t0 = machine.now;
    machine.swapOut(vm, 0);
    changes();

    expect(machine.read(vm, 0)).toBe(7);
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    expect(machine.frameOf(vm, 0)).toBe(frame);
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    expect(machine.usedSwapSlots).toBe(0);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      softFaults: 1,
      time: costs.access + costs.minorTrap,
    });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);

    // The cancelled write's completion must not free the frame the page took back.
    machine.advanceTo(t0 + costs.swapOutLatency);
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    expect(machine.read(vm, 0)).toBe(7);
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('a write before the write-out completes also takes the frame back', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    const frame = machine.frameOf(vm, 0)!;
    machine.swapOut(vm, 0);
    changes();
    machine.write(vm, 0, 8);
    expect(machine.frameOf(vm, 0)).toBe(frame);
    expect(machine.peek(vm, 0)).toBe(8);
    expect(changes()).toEqual({
      accesses: 1,
      writes: 1,
      slowAccesses: 1,
      softFaults: 1,
      time: costs.access + costs.minorTrap,
    });
    machine.flushSwapWrites();
    expect(machine.frameState(frame)).toBe(FrameState.Private);
    checkInvariants(machine);
  });

  it('an access after the write completes swaps in from the device', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    machine.swapOut(vm, 0);
    machine.advanceTo(machine.now + costs.swapOutLatency);
    changes();
    expectFrames(machine, { free: 15, shared: 1 });

    expect(machine.read(vm, 0)).toBe(7);
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    expect(machine.frameContent(machine.frameOf(vm, 0)!)).toBe(7);
    expect(machine.usedSwapSlots).toBe(0);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      swapIns: 1,
      time: costs.access + costs.swapIn,
    });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('swapIn explicitly reads the page back and charges the VM', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    machine.swapOut(vm, 0);
    machine.flushSwapWrites();
    changes();
    const mpn = machine.swapIn(vm, 0);
    expect(machine.frameOf(vm, 0)).toBe(mpn);
    expect(machine.frameState(mpn)).toBe(FrameState.Private);
    expect(machine.frameContent(mpn)).toBe(7);
    expect(machine.usedSwapSlots).toBe(0);
    expect(changes()).toEqual({ swapIns: 1, time: costs.swapIn });
    checkInvariants(machine);
  });

  it('swapOut of a shared page drops one reference; the last mapper sends the frame in flight', () => {
    const { machine, vm, changes, costs, frame } = sharedPair();
    machine.swapOut(vm, 1);
    expect(machine.pageState(vm, 1)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 1)).toBe(5);
    expect(machine.refCount(frame)).toBe(1);
    expect(machine.frameState(frame)).toBe(FrameState.Shared);
    expect(machine.usedSwapSlots).toBe(1);
    expect(changes()).toEqual({ swapOuts: 1 });
    // No frame was freed by it, so none is in flight.
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);

    machine.swapOut(vm, 0);
    expect(machine.frameState(frame)).toBe(FrameState.InFlight);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expect(machine.usedSwapSlots).toBe(2);
    expectFrames(machine, { free: 14, inFlight: 1, shared: 1 });
    checkInvariants(machine);

    machine.advanceTo(machine.now + costs.swapOutLatency);
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 1)).toBe(5);
    expect(machine.pageState(vm, 1)).toBe(PageState.Private);
    expect(machine.read(vm, 0)).toBe(5);
    expect(machine.counters(vm).swapIns).toBe(2);
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('swapOut of a page on the zero frame keeps the zero frame', () => {
    const { machine, vm } = setup();
    machine.read(vm, 0);
    machine.shareWithFrame(vm, 0, machine.zeroFrame);
    machine.swapOut(vm, 0);
    expect(machine.refCount(machine.zeroFrame)).toBe(0);
    expect(machine.frameState(machine.zeroFrame)).toBe(FrameState.Shared);
    expect(machine.sharedFrameFor(0)).toBe(machine.zeroFrame);
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);
    expect(machine.read(vm, 0)).toBe(0);
    checkInvariants(machine);
  });

  it('flushSwapWrites completes every write in flight without advancing time', () => {
    const { machine, vm } = setup();
    for (let p = 0; p < 3; p++) machine.write(vm, p, 10 + p);
    const frames = [0, 1, 2].map((p) => machine.frameOf(vm, p)!);
    for (let p = 0; p < 3; p++) machine.swapOut(vm, p);
    expectFrames(machine, { free: 12, inFlight: 3, shared: 1 });
    checkInvariants(machine);

    const t = machine.now;
    machine.flushSwapWrites();
    expect(machine.now).toBe(t);
    for (const f of frames) expect(machine.frameState(f)).toBe(FrameState.Free);
    expect(machine.usedSwapSlots).toBe(3);
    expect(machine.swap.pendingWrites).toBe(0);
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);

    for (let p = 0; p < 3; p++) expect(machine.read(vm, p)).toBe(10 + p);
    expect(machine.counters(vm)).toMatchObject({ swapIns: 3, softFaults: 0 });
    checkInvariants(machine);
  });
});

describe('balloon', () => {
  it('frees the backing; an access pops the balloon and reads zero, with nothing asked of the guest', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 3, 7);
    const frame = machine.frameOf(vm, 3)!;
    changes();

    machine.balloon(vm, 3);
    expect(machine.pageState(vm, 3)).toBe(PageState.Ballooned);
    expect(machine.frameOf(vm, 3)).toBeUndefined();
    expect(machine.frameState(frame)).toBe(FrameState.Free);
    expect(machine.peek(vm, 3)).toBe(0);
    expect(changes()).toEqual({});
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 3)).toBe(0);
    expect(machine.pageState(vm, 3)).toBe(PageState.Private);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      balloonPops: 1,
      zeroFills: 1,
      time: costs.access + costs.minorTrap + costs.zeroFill,
    });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('a write to a ballooned page pops it and stores the content', () => {
    const { machine, vm, changes } = setup();
    machine.balloon(vm, 0);
    machine.write(vm, 0, 4);
    expect(machine.read(vm, 0)).toBe(4);
    expect(changes()).toMatchObject({ balloonPops: 1, zeroFills: 1 });
    checkInvariants(machine);
  });

  it('ballooning a swapped or shared page frees its slot or reference', () => {
    const { machine, vm, frame } = sharedPair();
    machine.balloon(vm, 1);
    expect(machine.refCount(frame)).toBe(1);
    checkInvariants(machine);
    machine.write(vm, 2, 3);
    machine.swapOut(vm, 2);
    expectFrames(machine, { free: 13, inFlight: 1, shared: 2 });
    machine.balloon(vm, 2);
    expect(machine.usedSwapSlots).toBe(0);
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
    // The released write's later completion frees nothing twice.
    machine.flushSwapWrites();
    expectFrames(machine, { free: 14, shared: 2 });
    checkInvariants(machine);
  });

  it('unballoon makes the page unbacked without a pop', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 1, 7);
    machine.balloon(vm, 1);
    machine.unballoon(vm, 1);
    expect(machine.pageState(vm, 1)).toBe(PageState.Unbacked);
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);
    changes();

    expect(machine.read(vm, 1)).toBe(0);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      zeroFills: 1,
      time: costs.access + costs.zeroFill,
    });
    checkInvariants(machine);
  });
});

describe('compress', () => {
  it('holds ceil(bytes / 4096) cache frames, reusing the compressed pages’ frames', () => {
    const { machine, vm, changes } = setup();
    for (let p = 0; p < 3; p++) machine.write(vm, p, 20 + p);
    changes();
    expectFrames(machine, { free: 12, private: 3, shared: 1 });

    for (let p = 0; p < 3; p++) {
      machine.compress(vm, p, 3000);
      expect(machine.pageState(vm, p)).toBe(PageState.Compressed);
      expect(machine.frameOf(vm, p)).toBeUndefined();
      expect(machine.peek(vm, p)).toBe(20 + p);
      expect(machine.compressedBytes(vm)).toBe(3000 * (p + 1));
      expect(machine.compressionFrames(vm)).toBe(Math.ceil((3000 * (p + 1)) / PAGE_SIZE));
      expectFrames(machine, { free: 12, private: 2 - p, compressed: p + 1, shared: 1 });
      checkInvariants(machine);
    }
    expect(changes()).toEqual({ compressions: 3, time: 3 * machine.costs.compress });
    expect(machine.compression.used).toBe(3);
  });

  it('a rejected compression is charged and counted, and leaves the page where it was', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 9);
    const frame = machine.frameOf(vm, 0);
    changes();
    machine.rejectCompression(vm, 0);
    expect(changes()).toEqual({ compressionRejects: 1, time: costs.compress });
    expect(machine.frameOf(vm, 0)).toBe(frame);
    expect(machine.compressionFrames(vm)).toBe(0);
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('writes a compressed page back to swap without a frame; it reads back from swap', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    machine.compress(vm, 0, 3000);
    machine.compress(vm, 1, 3000);
    expect(machine.compressionFrames(vm)).toBe(2);
    changes();

    const slot = machine.swapOutCompressed(vm, 1);
    expect(machine.pageState(vm, 1)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 1)).toBe(2);
    expect(machine.swap.content[slot]).toBe(2);
    expect(machine.compressedBytes(vm)).toBe(3000);
    expect(machine.compressionFrames(vm)).toBe(1);
    expect(machine.usedSwapSlots).toBe(1);
    expect(changes()).toEqual({ swapOuts: 1 });
    // The cache frame it no longer needs is free at once: nothing is in flight.
    expectFrames(machine, { free: 14, compressed: 1, shared: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 1)).toBe(2);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      swapIns: 1,
      time: costs.access + costs.swapIn,
    });
    expect(machine.usedSwapSlots).toBe(0);
    expect(machine.read(vm, 0)).toBe(1);
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('fits two 2048-byte pages in one frame and frees the second page’s frame', () => {
    const { machine, vm } = setup();
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    const f1 = machine.frameOf(vm, 1)!;
    machine.compress(vm, 0, 2048);
    expect(machine.compressionFrames(vm)).toBe(1);
    expectFrames(machine, { free: 13, private: 1, compressed: 1, shared: 1 });
    checkInvariants(machine);

    machine.compress(vm, 1, 2048);
    expect(machine.compressionFrames(vm)).toBe(1);
    expect(machine.compressedBytes(vm)).toBe(4096);
    expect(machine.frameState(f1)).toBe(FrameState.Free);
    expectFrames(machine, { free: 14, compressed: 1, shared: 1 });
    checkInvariants(machine);

    // One more byte needs a second frame (the page's own).
    machine.write(vm, 2, 3);
    machine.compress(vm, 2, 1);
    expect(machine.compressionFrames(vm)).toBe(2);
    expectFrames(machine, { free: 13, compressed: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('decompresses on access, charging the VM, and shrinks the cache', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    machine.compress(vm, 0, 2048);
    machine.compress(vm, 1, 3000);
    expect(machine.compressionFrames(vm)).toBe(2);
    changes();

    expect(machine.read(vm, 1)).toBe(2);
    expect(machine.pageState(vm, 1)).toBe(PageState.Private);
    expect(machine.compressedBytes(vm)).toBe(2048);
    expect(machine.compressionFrames(vm)).toBe(1);
    expect(machine.compression.used).toBe(1);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      decompressions: 1,
      time: costs.access + costs.decompress,
    });
    expectFrames(machine, { free: 13, private: 1, compressed: 1, shared: 1 });
    checkInvariants(machine);

    machine.write(vm, 0, 6);
    expect(machine.peek(vm, 0)).toBe(6);
    expect(machine.compressionFrames(vm)).toBe(0);
    expect(machine.compressedBytes(vm)).toBe(0);
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('decompress explicitly returns the new frame and charges the VM', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 4, 44);
    machine.compress(vm, 4, 100);
    changes();
    const mpn = machine.decompress(vm, 4);
    expect(machine.frameOf(vm, 4)).toBe(mpn);
    expect(machine.frameState(mpn)).toBe(FrameState.Private);
    expect(machine.frameContent(mpn)).toBe(44);
    expect(machine.compressionFrames(vm)).toBe(0);
    expect(changes()).toEqual({ decompressions: 1, time: costs.decompress });
    expectFrames(machine, { free: 14, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('compressing a shared page takes a new cache frame while other mappers remain', () => {
    const { machine, vm, frame } = sharedPair();
    expectFrames(machine, { free: 14, shared: 2 });
    machine.compress(vm, 1, 100);
    expect(machine.pageState(vm, 1)).toBe(PageState.Compressed);
    expect(machine.peek(vm, 1)).toBe(5);
    expect(machine.refCount(frame)).toBe(1);
    expect(machine.frameState(frame)).toBe(FrameState.Shared);
    expect(machine.compressionFrames(vm)).toBe(1);
    expectFrames(machine, { free: 13, shared: 2, compressed: 1 });
    checkInvariants(machine);

    // The last mapper gives its frame up; the cache needs no new frame for 100 more bytes.
    machine.compress(vm, 0, 100);
    expect(machine.frameState(frame)).toBe(FrameState.Free);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expect(machine.compressionFrames(vm)).toBe(1);
    expectFrames(machine, { free: 14, shared: 1, compressed: 1 });
    checkInvariants(machine);

    expect(machine.read(vm, 1)).toBe(5);
    expect(machine.read(vm, 0)).toBe(5);
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    expectFrames(machine, { free: 13, private: 2, shared: 1 });
    checkInvariants(machine);
  });

  it('compressing the last mapper of a shared frame turns that frame into the cache frame', () => {
    const { machine, vm, frame } = sharedPair();
    machine.write(vm, 1, 6);
    machine.compress(vm, 0, 100);
    expect(machine.frameState(frame)).toBe(FrameState.Compressed);
    expect(machine.frameContent(frame)).toBe(0);
    expect(machine.sharedFrameFor(5)).toBeUndefined();
    expectFrames(machine, { free: 13, private: 1, compressed: 1, shared: 1 });
    checkInvariants(machine);
  });
});

describe('CMM2 page usage', () => {
  const { Stable, Unused, Volatile, PotentiallyVolatile } = GuestPageUsage;

  it('a hint changes a resident page’s usage only, and is counted and charged', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 2, 7);
    changes();
    expect(machine.pageUsage(vm, 2)).toBe(Stable);
    expect(machine.setPageUsage(vm, 2, Volatile)).toBe(Stable);
    expect(machine.setPageUsage(vm, 2, Unused)).toBe(Volatile);
    expect(machine.pageUsage(vm, 2)).toBe(Unused);
    expect(machine.pageState(vm, 2)).toBe(PageState.Private);
    expect(changes()).toEqual({ hints: 2, time: 2 * costs.essa });
    checkInvariants(machine);
  });

  it('discards a volatile page without I/O; a batch stops at the discard fault and restarts once the guest re-read it', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 2, 7);
    machine.setPageUsage(vm, 2, Volatile);
    changes();
    expect(machine.evict(vm, 2)).toBe('discarded');
    expect(machine.pageState(vm, 2)).toBe(PageState.Discarded);
    expect(machine.peek(vm, 2)).toBeUndefined();
    expect(changes()).toEqual({ discards: 1 });
    expectFrames(machine, { free: 15, shared: 1 });
    checkInvariants(machine);

    const ops = Uint32Array.of(accessOp(1, true), accessOp(2, false), accessOp(3, true));
    const contents = Float64Array.of(5, 0, 6);
    expect(machine.accessBatch(vm, ops, contents, 3)).toBe(1);
    // Logically zero and stable while the guest re-reads it; the batch's accesses are charged at its end.
    expect(machine.pageState(vm, 2)).toBe(PageState.Unbacked);
    expect(machine.pageUsage(vm, 2)).toBe(Stable);
    expect(changes()).toEqual({
      slowAccesses: 2,
      zeroFills: 1,
      discardFaults: 1,
      time: costs.zeroFill + costs.discardFault,
    });
    checkInvariants(machine);
    machine.deviceWrite(vm, 2, 7);
    expect(machine.accessBatch(vm, ops, contents, 3, 1)).toBe(3);
    expect(machine.peek(vm, 2)).toBe(7);
    // The restarted access is counted once, and does not leave the fast path again.
    expect(changes()).toEqual({
      accesses: 3,
      writes: 2,
      slowAccesses: 1,
      zeroFills: 2,
      time: 3 * costs.access + 2 * costs.zeroFill,
    });
    checkInvariants(machine);
  });

  it('a stopped batch restarts only at its faulted access, and stops again if the page was discarded again', () => {
    const { machine, vm, changes } = setup();
    machine.write(vm, 2, 7);
    machine.setPageUsage(vm, 2, Volatile);
    machine.discard(vm, 2);
    const ops = Uint32Array.of(accessOp(2, false), accessOp(3, false));
    const contents = new Float64Array(2);
    changes();
    expect(machine.accessBatch(vm, ops, contents, 2)).toBe(0);
    expect(() => machine.accessBatch(vm, ops, contents, 2, 1)).toThrow(InvalidInputError);
    expect(() => machine.accessBatch(vm, Uint32Array.of(accessOp(3, false)), contents, 1)).toThrow(
      InvalidInputError,
    );
    // The guest's re-read is discarded at once (the host ran short meanwhile): the restart faults again.
    machine.deviceWrite(vm, 2, 7);
    machine.setPageUsage(vm, 2, Volatile);
    machine.discard(vm, 2);
    expect(machine.accessBatch(vm, ops, contents, 2, 0)).toBe(0);
    machine.deviceWrite(vm, 2, 7);
    expect(machine.accessBatch(vm, ops, contents, 2, 0)).toBe(2);
    expect(changes()).toMatchObject({ accesses: 2, slowAccesses: 2, discardFaults: 2 });
    checkInvariants(machine);
  });

  it('an access to a discarded page outside a batch throws DiscardFaultError and leaves it discarded', () => {
    const { machine, vm } = setup();
    machine.write(vm, 2, 7);
    machine.setPageUsage(vm, 2, Volatile);
    machine.discard(vm, 2);
    expect(() => machine.read(vm, 2)).toThrow(DiscardFaultError);
    expect(() => machine.write(vm, 2, 1)).toThrow(DiscardFaultError);
    expect(() => machine.deviceRead(vm, 2)).toThrow(DiscardFaultError);
    expect(() => machine.deviceWrite(vm, 2, 1)).toThrow(DiscardFaultError);
    expect(machine.pageState(vm, 2)).toBe(PageState.Discarded);
    expect(machine.counters(vm).discardFaults).toBe(0);
    checkInvariants(machine);
  });

  it('drops an unused page without I/O: it reads zero after', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    const frame = machine.frameOf(vm, 0)!;
    machine.setPageUsage(vm, 0, Unused);
    changes();
    expect(machine.evict(vm, 0)).toBe('dropped');
    expect(machine.pageState(vm, 0)).toBe(PageState.Unbacked);
    expect(machine.frameState(frame)).toBe(FrameState.Free);
    expect(changes()).toEqual({ drops: 1 });
    expect(machine.read(vm, 0)).toBe(0);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      zeroFills: 1,
      time: costs.access + costs.zeroFill,
    });
    checkInvariants(machine);
  });

  it('pages a stable page out, and never discards or drops one', () => {
    const { machine, vm } = setup();
    machine.write(vm, 1, 9);
    expect(() => machine.discard(vm, 1)).toThrow(InvalidTransitionError);
    expect(() => machine.drop(vm, 1)).toThrow(InvalidTransitionError);
    expect(machine.evict(vm, 1)).toBe('swapped');
    expect(machine.pageState(vm, 1)).toBe(PageState.Swapped);
    expect(machine.read(vm, 1)).toBe(9);
    checkInvariants(machine);
  });

  it('discards a potentially volatile page while clean; once written, pages it out and keeps it stable', () => {
    const { machine, vm, changes } = setup();
    machine.write(vm, 1, 4);
    machine.write(vm, 2, 5);
    machine.setPageUsage(vm, 1, PotentiallyVolatile);
    machine.setPageUsage(vm, 2, PotentiallyVolatile);
    expect(machine.read(vm, 2)).toBe(5); // reads stay on the fast path
    changes();
    machine.write(vm, 2, 6); // the first write leaves it: the host learns the page changed
    expect(changes()).toMatchObject({ slowAccesses: 1, writes: 1 });
    machine.write(vm, 2, 7);
    expect(changes().slowAccesses).toBeUndefined();
    expect(machine.evict(vm, 1)).toBe('discarded');
    expect(machine.pageUsage(vm, 1)).toBe(Volatile); // Pr → Vz
    expect(machine.evict(vm, 2)).toBe('swapped');
    expect(machine.pageUsage(vm, 2)).toBe(Stable); // Pr → Sp
    expect(machine.read(vm, 2)).toBe(7);
    checkInvariants(machine);
  });

  it('a preserved page marked unused or volatile loses the host’s copy; potentially volatile stays stable', () => {
    const { machine, vm } = setup();
    for (const ppn of [1, 2, 3]) {
      machine.write(vm, ppn, ppn);
      machine.swapOut(vm, ppn);
    }
    machine.write(vm, 4, 4);
    machine.compress(vm, 4, 500);
    machine.setPageUsage(vm, 1, Unused);
    machine.setPageUsage(vm, 2, Volatile);
    machine.setPageUsage(vm, 3, PotentiallyVolatile);
    machine.setPageUsage(vm, 4, Volatile);
    expect([1, 2, 3, 4].map((p) => machine.pageState(vm, p))).toEqual([
      PageState.Unbacked,
      PageState.Discarded,
      PageState.Swapped,
      PageState.Discarded,
    ]);
    expect(machine.pageUsage(vm, 3)).toBe(Stable);
    expect(machine.usedSwapSlots).toBe(1);
    expect(machine.compression.used).toBe(0);
    expect(machine.counters(vm).swapIns).toBe(0);
    checkInvariants(machine);
  });

  it('on a logically zero page: volatile or potentially volatile makes it discarded, stable or unused zero', () => {
    const { machine, vm } = setup();
    machine.setPageUsage(vm, 0, PotentiallyVolatile);
    expect([machine.pageState(vm, 0), machine.pageUsage(vm, 0)]).toEqual([PageState.Discarded, Volatile]);
    machine.setPageUsage(vm, 0, Unused);
    expect([machine.pageState(vm, 0), machine.pageUsage(vm, 0)]).toEqual([PageState.Unbacked, Unused]);
    machine.setPageUsage(vm, 0, Stable);
    expect(machine.read(vm, 0)).toBe(0);
    checkInvariants(machine);
  });

  it('set-stable-if-not-discarded fails on a discarded page and leaves it discarded', () => {
    const { machine, vm } = setup();
    machine.write(vm, 1, 1);
    machine.write(vm, 2, 2);
    machine.setPageUsage(vm, 1, Volatile);
    machine.setPageUsage(vm, 2, Volatile);
    machine.evict(vm, 2);
    expect(machine.makeStableIfNotDiscarded(vm, 1)).toBe(true);
    expect(machine.pageUsage(vm, 1)).toBe(Stable);
    expect(machine.makeStableIfNotDiscarded(vm, 2)).toBe(false);
    expect(machine.pageState(vm, 2)).toBe(PageState.Discarded);
    expect(machine.counters(vm).hints).toBe(4);
    expect(() => machine.discard(vm, 1)).toThrow(InvalidTransitionError);
    checkInvariants(machine);
  });

  it('discarding a shared page drops one reference', () => {
    const { machine, vm, frame } = sharedPair();
    machine.setPageUsage(vm, 1, Volatile);
    machine.discard(vm, 1);
    expect(machine.refCount(frame)).toBe(1);
    expect(machine.read(vm, 0)).toBe(5);
    checkInvariants(machine);
  });
});

describe('removeVm', () => {
  it('frees every frame, slot and cache entry the VM held', () => {
    const machine = createMachine({ frames: 32, reservedFrames: 2, swapSlots: 4 });
    const a = machine.addVm({ pages: 8, overheadFrames: 2 });
    const b = machine.addVm({ pages: 4, overheadFrames: 1 });
    machine.write(a, 0, 1);
    machine.write(a, 1, 2);
    machine.write(b, 0, 2);
    const shared = machine.share(b, 0, a, 1);
    machine.read(a, 2);
    machine.shareWithFrame(a, 2, machine.zeroFrame);
    machine.write(a, 4, 4);
    machine.swapOut(a, 4);
    machine.advanceTo(machine.now + machine.costs.swapOutLatency);
    machine.write(a, 3, 3);
    machine.swapOut(a, 3); // still in flight
    machine.write(a, 5, 5);
    machine.compress(a, 5, 500);
    machine.write(a, 6, 6);
    machine.compress(a, 6, 4000);
    machine.balloon(a, 7);
    expectFrames(machine, {
      free: 32 - 2 - 1 - 3 - 1 - 1 - 1 - 2,
      reserved: 2,
      overhead: 3,
      private: 1,
      shared: 2,
      inFlight: 1,
      compressed: 2,
    });
    checkInvariants(machine);

    machine.removeVm(a);
    expect(machine.vms()).toEqual([b]);
    expect([machine.hasVm(a), machine.hasVm(b), machine.hasVm(-1 as VmId)]).toEqual([false, true, false]);
    expect(machine.refCount(shared)).toBe(1);
    expect(machine.refCount(machine.zeroFrame)).toBe(0);
    expect(machine.usedSwapSlots).toBe(0);
    expect(machine.compression.used).toBe(0);
    expect(machine.read(b, 0)).toBe(2);
    expectFrames(machine, { free: 27, reserved: 2, overhead: 1, shared: 2 });
    checkInvariants(machine);

    machine.removeVm(b);
    expect(machine.vms()).toEqual([]);
    expect(machine.sharingIndex().size).toBe(1); // the zero page
    expect(machine.sharedFrameFor(2)).toBeUndefined();
    expectFrames(machine, { free: 29, reserved: 2, shared: 1 });
    checkInvariants(machine);

    // The released write's completion frees nothing twice.
    machine.advanceTo(machine.now + machine.costs.swapOutLatency);
    expectFrames(machine, { free: 29, reserved: 2, shared: 1 });
    checkInvariants(machine);
  });
});

describe('addVm', () => {
  it('takes overhead frames now and starts with every page unbacked', () => {
    const events: SimEvent[] = [];
    const machine = createMachine({ frames: 16, emit: (e) => events.push(e) });
    const vm = machine.addVm({ pages: 6, overheadFrames: 3, name: 'web' });
    expect(machine.overheadFrames(vm)).toBe(3);
    expect(machine.pageCount(vm)).toBe(6);
    expect(machine.vmName(vm)).toBe('web');
    expect(machine.pagePartition(vm)).toEqual({
      unbacked: 6,
      private: 0,
      shared: 0,
      swapped: 0,
      ballooned: 0,
      compressed: 0,
      discarded: 0,
    });
    expectFrames(machine, { free: 12, overhead: 3, shared: 1 });
    checkInvariants(machine);

    const second = machine.addVm({ pages: 1 });
    expect(second).not.toBe(vm);
    expect(machine.vmName(second)).toBe(`vm${second}`);
    expect(machine.overheadFrames(second)).toBe(0);
    expect(machine.vms()).toEqual([vm, second]);
    expect(events).toEqual([
      { time: 0, source: 'machine', kind: 'vm-added', vm, data: { pages: 6, overhead: 3 } },
      { time: 0, source: 'machine', kind: 'vm-added', vm: second, data: { pages: 1, overhead: 0 } },
    ]);

    machine.removeVm(vm);
    expectFrames(machine, { free: 15, shared: 1 });
    expect(events.at(-1)).toEqual({ time: 0, source: 'machine', kind: 'vm-removed', vm });
    // Ids are not reused.
    expect(machine.addVm({ pages: 1 })).not.toBe(vm);
    checkInvariants(machine);
  });
});

describe('reservedFrames', () => {
  it('keeps reserved frames out of reach of the VMs', () => {
    const machine = createMachine({ frames: 10, reservedFrames: 4 });
    expect(machine.reservedFrames).toBe(4);
    expect(machine.totalFrames).toBe(10);
    expectFrames(machine, { free: 5, reserved: 4, shared: 1 });
    for (let mpn = 0; mpn < 4; mpn++) expect(machine.frameState(mpn)).toBe(FrameState.Reserved);
    checkInvariants(machine);

    const vm = machine.addVm({ pages: 8 });
    for (let p = 0; p < 5; p++) machine.write(vm, p, p + 1);
    expectFrames(machine, { private: 5, reserved: 4, shared: 1 });
    expect(() => machine.read(vm, 5)).toThrow(OutOfFramesError);
    expect(machine.pageState(vm, 5)).toBe(PageState.Unbacked);
    for (let mpn = 0; mpn < 4; mpn++) expect(machine.frameState(mpn)).toBe(FrameState.Reserved);
    checkInvariants(machine);
  });
});

describe('trap channels', () => {
  it('a trap fires once, with (vm, ppn, write), before the access completes', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 2, 7);
    changes();
    const handler = vi.fn<(vm: VmId, ppn: Ppn, write: boolean) => void>();
    const channel = machine.traps.register('sampler', handler);
    expect(machine.traps.names[channel]).toBe('sampler');
    machine.traps.arm(channel, vm, 2);
    expect(machine.traps.isArmed(channel, vm, 2)).toBe(true);
    expect(machine.traps.isArmed(channel, vm, 3)).toBe(false);
    checkInvariants(machine);

    expect(machine.read(vm, 2)).toBe(7);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(vm, 2, false);
    expect(machine.traps.isArmed(channel, vm, 2)).toBe(false);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      traps: 1,
      time: costs.access + costs.minorTrap,
    });
    checkInvariants(machine);

    // One-shot: the next access is a fast-path hit.
    expect(machine.read(vm, 2)).toBe(7);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(changes()).toEqual({ accesses: 1, time: costs.access });

    machine.traps.arm(channel, vm, 2);
    machine.write(vm, 2, 8);
    expect(handler).toHaveBeenCalledTimes(2);
    expect(handler).toHaveBeenLastCalledWith(vm, 2, true);
    expect(machine.read(vm, 2)).toBe(8);
    checkInvariants(machine);
  });

  it('the virtual disk’s DMA neither fires nor consumes a trap, and is not one of the VM’s accesses', () => {
    const { machine, vm, changes } = setup();
    machine.write(vm, 2, 7);
    machine.write(vm, 3, 8);
    machine.write(vm, 4, 8);
    machine.share(vm, 3, vm, 4);
    machine.swapOut(vm, 2);
    changes();
    const handler = vi.fn();
    const channel = machine.traps.register('sampler', handler);
    machine.traps.arm(channel, vm, 2);
    machine.traps.arm(channel, vm, 3);
    expect(machine.deviceRead(vm, 2)).toBe(7); // a page-out of a page the host had swapped: read back
    expect(machine.pageState(vm, 2)).toBe(PageState.Private);
    machine.deviceWrite(vm, 3, 9); // a disk read into a shared page: copied first
    expect(machine.pageState(vm, 3)).toBe(PageState.Private);
    expect(machine.peek(vm, 3)).toBe(9);
    expect(handler).not.toHaveBeenCalled();
    expect(machine.traps.isArmed(channel, vm, 2)).toBe(true);
    expect(machine.traps.isArmed(channel, vm, 3)).toBe(true);
    const counted = changes();
    expect(counted).toMatchObject({ cowBreaks: 1 });
    expect((counted.swapIns ?? 0) + (counted.softFaults ?? 0)).toBe(1); // the swap-out may be in flight
    expect(counted).not.toHaveProperty('accesses');
    expect(counted).not.toHaveProperty('traps');
    machine.read(vm, 2); // the guest's own access still traps
    expect(handler).toHaveBeenCalledOnce();
    expect(() => machine.deviceWrite(vm, 1, -1)).toThrow(/content/);
    checkInvariants(machine);
  });

  it('disarm removes a trap before it fires', () => {
    const { machine, vm } = setup();
    const handler = vi.fn();
    const channel = machine.traps.register('x', handler);
    machine.traps.arm(channel, vm, 0);
    machine.traps.disarm(channel, vm, 0);
    expect(machine.traps.isArmed(channel, vm, 0)).toBe(false);
    machine.read(vm, 0);
    expect(handler).not.toHaveBeenCalled();
    expect(machine.counters(vm).traps).toBe(0);
  });

  it("a 'write' channel does not fire on reads", () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 1, 3);
    changes();
    const handler = vi.fn<(vm: VmId, ppn: Ppn, write: boolean) => void>();
    const channel = machine.traps.register('dirty', handler, 'write');
    machine.traps.arm(channel, vm, 1);
    machine.traps.arm(channel, vm, 5);

    expect(machine.read(vm, 1)).toBe(3);
    expect(handler).not.toHaveBeenCalled();
    expect(machine.traps.isArmed(channel, vm, 1)).toBe(true);
    expect(changes()).toEqual({ accesses: 1, time: costs.access });

    // A read that leaves the fast path for another reason (zero-fill) does not fire it either.
    expect(machine.read(vm, 5)).toBe(0);
    expect(handler).not.toHaveBeenCalled();
    expect(machine.traps.isArmed(channel, vm, 5)).toBe(true);
    checkInvariants(machine);

    machine.write(vm, 1, 4);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(vm, 1, true);
    expect(machine.traps.isArmed(channel, vm, 1)).toBe(false);
    expect(changes()).toMatchObject({ traps: 1 });
    checkInvariants(machine);
  });

  it('a trap on a swapped page fires before the swap-in', () => {
    const { machine, vm, changes, costs } = setup();
    machine.write(vm, 0, 7);
    machine.swapOut(vm, 0);
    machine.flushSwapWrites();
    changes();
    const seen: { state: PageState; swapIns: number }[] = [];
    const channel = machine.traps.register('cold', (v, p) => {
      seen.push({ state: machine.pageState(v, p), swapIns: machine.counters(v).swapIns });
    });
    machine.traps.arm(channel, vm, 0);
    expect(machine.read(vm, 0)).toBe(7);
    expect(seen).toEqual([{ state: PageState.Swapped, swapIns: 0 }]);
    expect(changes()).toEqual({
      accesses: 1,
      slowAccesses: 1,
      traps: 1,
      swapIns: 1,
      time: costs.access + costs.minorTrap + costs.swapIn,
    });
    // The armed bit stays with the page across state changes until it fires.
    machine.traps.arm(channel, vm, 0);
    machine.swapOut(vm, 0);
    expect(machine.traps.isArmed(channel, vm, 0)).toBe(true);
    checkInvariants(machine);
  });

  it('unregister clears the channel’s bits on every page of every VM', () => {
    const { machine, vm, changes, costs } = setup();
    const other = machine.addVm({ pages: 4 });
    machine.write(vm, 0, 1);
    machine.write(other, 3, 2);
    changes();
    const handler = vi.fn();
    const channel = machine.traps.register('old', handler);
    machine.traps.arm(channel, vm, 0);
    machine.traps.arm(channel, other, 3);
    machine.traps.unregister(channel);
    expect(machine.memoryOf(vm).flags[0]).toBe(0);
    expect(machine.memoryOf(other).flags[3]).toBe(0);
    expect(() => machine.traps.isArmed(channel, vm, 0)).toThrow(OutOfRangeError);

    expect(machine.read(vm, 0)).toBe(1);
    expect(machine.read(other, 3)).toBe(2);
    expect(handler).not.toHaveBeenCalled();
    expect(changes()).toEqual({ accesses: 1, time: costs.access });

    // The freed channel is handed out again, with no trap left armed.
    const again = machine.traps.register('new', vi.fn());
    expect(again).toBe(channel);
    expect(machine.traps.isArmed(again, vm, 0)).toBe(false);
    expect(machine.traps.isArmed(again, other, 3)).toBe(false);
    checkInvariants(machine);
  });

  it(`allows at most MAX_CHANNELS (${MAX_CHANNELS}) channels`, () => {
    const { machine } = setup();
    const channels = Array.from({ length: MAX_CHANNELS }, (_, i) => machine.traps.register(`c${i}`, vi.fn()));
    expect(new Set(channels).size).toBe(MAX_CHANNELS);
    let error: unknown;
    try {
      machine.traps.register('one-too-many', vi.fn());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as HvsimError).code).toBe('trap-channels-exhausted');
    expect((error as Error).message).toContain('one-too-many');
    expect((error as Error).message).toContain(String(MAX_CHANNELS));
    machine.traps.unregister(channels[2]!);
    expect(machine.traps.register('late', vi.fn())).toBe(channels[2]);
  });

  it('every channel armed on a page fires on one access, counted as one trap', () => {
    const { machine, vm } = setup();
    const calls: string[] = [];
    const a = machine.traps.register('a', () => calls.push('a'));
    const b = machine.traps.register('b', () => calls.push('b'));
    machine.traps.arm(a, vm, 0);
    machine.traps.arm(b, vm, 0);
    machine.read(vm, 0);
    expect(calls).toEqual(['a', 'b']);
    expect(machine.counters(vm).traps).toBe(1);
  });
});

describe('accessBatch', () => {
  interface Op {
    ppn: number;
    write: boolean;
    content: number;
  }

  /** A VM with a page in every state and trap channels armed that log. */
  function scenario() {
    const log: string[] = [];
    const machine = createMachine({ frames: 32, swapSlots: 8 });
    const vm = machine.addVm({ pages: 8 });
    const access = machine.traps.register('access', (v, p, w) => log.push(`access ${v} ${p} ${w}`));
    const writes = machine.traps.register('write', (v, p, w) => log.push(`write ${v} ${p} ${w}`), 'write');
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    machine.write(vm, 2, 2);
    machine.share(vm, 2, vm, 1);
    machine.write(vm, 3, 3);
    machine.swapOut(vm, 3);
    machine.write(vm, 4, 4);
    machine.compress(vm, 4, 1000);
    machine.balloon(vm, 5);
    machine.write(vm, 6, 6);
    machine.setPageUsage(vm, 6, GuestPageUsage.Volatile);
    machine.discard(vm, 6);
    machine.traps.arm(access, vm, 0);
    machine.traps.arm(writes, vm, 1);
    machine.traps.arm(access, vm, 7);
    return { machine, vm, log };
  }

  function snapshot(machine: Machine, log: string[]) {
    return {
      log: [...log],
      frames: machine.framePartition(),
      swapUsed: machine.usedSwapSlots,
      cacheEntries: machine.compression.used,
      vms: machine.vms().map((vm) => ({
        partition: machine.pagePartition(vm),
        counters: { ...machine.counters(vm) },
        compressedBytes: machine.compressedBytes(vm),
        pages: Array.from({ length: machine.pageCount(vm) }, (_, p) => ({
          state: machine.pageState(vm, p),
          frame: machine.frameOf(vm, p),
          content: machine.peek(vm, p),
          flags: machine.memoryOf(vm).flags[p],
        })),
      })),
    };
  }

  /** Runs ops as a guest does: a discard fault stops the batch, the guest re-reads the page and restarts it. */
  function guestBatch(s: ReturnType<typeof scenario>, ops: readonly Op[], count = ops.length) {
    const codes = Uint32Array.from(ops, (o) => accessOp(o.ppn, o.write));
    const contents = Float64Array.from(ops, (o) => o.content);
    for (let i = s.machine.accessBatch(s.vm, codes, contents, count); i < count; ) {
      const ppn = ops[i]!.ppn;
      s.log.push(`discard ${ppn}`);
      s.machine.deviceWrite(s.vm, ppn, 60 + ppn);
      i = s.machine.accessBatch(s.vm, codes, contents, count, i);
    }
  }

  /** Each op alone: a read or a write, or a batch of one for an access that takes a discard fault. */
  function runSequence(ops: readonly Op[]) {
    const s = scenario();
    for (const op of ops) {
      if (s.machine.pageState(s.vm, op.ppn) === PageState.Discarded) guestBatch(s, [op]);
      else if (op.write) s.machine.write(s.vm, op.ppn, op.content);
      else s.machine.read(s.vm, op.ppn);
    }
    checkInvariants(s.machine);
    return snapshot(s.machine, s.log);
  }

  function runBatch(ops: readonly Op[]) {
    const s = scenario();
    guestBatch(s, ops);
    checkInvariants(s.machine);
    return snapshot(s.machine, s.log);
  }

  const r = (ppn: number): Op => ({ ppn, write: false, content: 0 });
  const w = (ppn: number, content: number): Op => ({ ppn, write: true, content });

  it('gives the same contents, states and counters as the equivalent reads and writes', () => {
    const ops = [r(0), r(1), w(1, 9), r(2), w(2, 8), r(3), w(4, 5), r(5), r(6), r(7), w(7, 8), r(0), w(0, 1)];
    const sequence = runSequence(ops);
    const batch = runBatch(ops);
    expect(batch).toEqual(sequence);
    // The scenario did exercise every slow path.
    expect(sequence.vms[0]!.counters).toMatchObject({
      accesses: ops.length + 6, // and the scenario's own 6 writes
      traps: 3,
      cowBreaks: 2,
      softFaults: 1,
      decompressions: 1,
      balloonPops: 1,
      discardFaults: 1,
    });
    expect(sequence.log).toEqual(['access 0 0 false', 'write 0 1 true', 'discard 6', 'access 0 7 false']);
  });

  it('counts only the first `count` entries', () => {
    const ops = [w(0, 9), w(1, 9), w(7, 9)];
    const s = scenario();
    guestBatch(s, ops, 2);
    expect(snapshot(s.machine, s.log)).toEqual(runSequence(ops.slice(0, 2)));
  });

  it('a channel registered by a trap handler fires later in the same batch', () => {
    const run = (batch: boolean) => {
      const machine = createMachine({ frames: 8 });
      const vm = machine.addVm({ pages: 2 });
      machine.write(vm, 0, 1);
      machine.write(vm, 1, 2);
      const fired: string[] = [];
      const first = machine.traps.register('first', () => {
        fired.push('first');
        const late = machine.traps.register('late', () => fired.push('late'));
        machine.traps.arm(late, vm, 1);
      });
      machine.traps.arm(first, vm, 0);
      if (batch) machine.accessBatch(vm, Uint32Array.of(0, 1), new Float64Array(2), 2);
      else {
        machine.read(vm, 0);
        machine.read(vm, 1);
      }
      return { fired, counters: { ...machine.counters(vm) } };
    };
    const batch = run(true);
    expect(batch.fired).toEqual(['first', 'late']);
    expect(batch).toEqual(run(false));
  });

  it('matches the sequence for random access streams', () => {
    const op = fc.record({
      ppn: fc.integer({ min: 0, max: 7 }),
      write: fc.boolean(),
      content: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        expect(runBatch(ops)).toEqual(runSequence(ops));
      }),
    );
  });
});

describe('reference-count overflow', () => {
  it('keeps counts past the in-frame limit exactly in the overflow table, and removes them on the way down', () => {
    const machine = createMachine({ frames: 16, refCountLimit: 3 });
    const vm = machine.addVm({ pages: 8 });
    const refs = machine.frames.refs;
    for (let p = 0; p < 6; p++) machine.write(vm, p, 5);
    let frame = -1;
    for (let p = 1; p < 6; p++) {
      frame = machine.share(vm, p, vm, 0);
      expect(machine.refCount(frame)).toBe(p + 1);
      expect(refs.overflow.has(frame)).toBe(p + 1 >= 3);
      checkInvariants(machine);
    }
    expect(refs.overflow.get(frame)).toBe(6);
    expect(refs.small[frame]).toBe(3);
    expect(machine.refCount(frame)).toBe(6);
    expectFrames(machine, { free: 14, shared: 2 });

    for (let p = 5; p >= 1; p--) {
      machine.write(vm, p, 100 + p);
      const left = p;
      expect(machine.refCount(frame)).toBe(left);
      expect(refs.overflow.has(frame)).toBe(left >= 3);
      if (left >= 3) expect(refs.overflow.get(frame)).toBe(left);
      else expect(refs.small[frame]).toBe(left);
      checkInvariants(machine);
    }
    expect(refs.overflow.size).toBe(0);
    expect(machine.counters(vm).cowBreaks).toBe(5);
    expectFrames(machine, { free: 9, private: 5, shared: 2 });
  });
});

/** A frame reclaimer whose `reclaimFrames` is the spy `free`. */
const reclaimerOf = (free: (machine: Machine) => void) => {
  const reclaimFrames = vi.fn(free);
  return { reclaimer: { reclaimFrames }, reclaimFrames };
};

describe('the frame reclaimer', () => {
  it('is called when frames run out and can free one so the access succeeds', () => {
    let vm = 0 as VmId;
    const { reclaimer, reclaimFrames } = reclaimerOf((m: Machine) => {
      m.swapOut(vm, 0);
      m.flushSwapWrites();
    });
    const machine = createMachine({ frames: 4, swapSlots: 4, reclaimer });
    vm = machine.addVm({ pages: 4 });
    for (let p = 0; p < 3; p++) machine.write(vm, p, p + 1);
    expect(reclaimFrames).not.toHaveBeenCalled();
    expect(machine.freeFrames).toBe(0);

    machine.write(vm, 3, 4);
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    expect(reclaimFrames).toHaveBeenCalledWith(machine);
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 3)).toBe(4);
    expect(machine.pageState(vm, 3)).toBe(PageState.Private);
    expectFrames(machine, { private: 3, shared: 1 });
    checkInvariants(machine);
  });

  it('throws OutOfFramesError when the reclaimer frees nothing', () => {
    const { reclaimer, reclaimFrames } = reclaimerOf(() => {});
    const machine = createMachine({ frames: 2, reclaimer });
    const vm = machine.addVm({ pages: 2 });
    machine.write(vm, 0, 1);
    expect(() => machine.write(vm, 1, 2)).toThrow(OutOfFramesError);
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    expect(machine.pageState(vm, 1)).toBe(PageState.Unbacked);
    checkInvariants(machine);
  });

  it('frees the overhead frames of a VM powering on that free frames do not cover, or leaves none taken', () => {
    let vm = 0 as VmId;
    const { reclaimer, reclaimFrames } = reclaimerOf((m: Machine) => {
      if (m.pageState(vm, 0) === PageState.Private) m.swapOut(vm, 0);
      m.flushSwapWrites();
    });
    const machine = createMachine({ frames: 5, swapSlots: 4, reclaimer });
    vm = machine.addVm({ pages: 2 });
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    expect(machine.freeFrames).toBe(2);
    const second = machine.addVm({ pages: 1, overheadFrames: 3 });
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expectFrames(machine, { free: 0, private: 1, overhead: 3, shared: 1 });
    checkInvariants(machine);
    // Nothing more to reclaim: refused, with the frames it took given back.
    machine.removeVm(second);
    expect(() => machine.addVm({ pages: 1, overheadFrames: 5 })).toThrow(OutOfFramesError);
    expectFrames(machine, { free: 3, private: 1, shared: 1 });
    checkInvariants(machine);
  });

  it('may make no guest access: each is ReclaimerAccessError, and the machine is whole after', () => {
    let vm = 0 as VmId;
    const ops = Uint32Array.of(accessOp(0, false));
    const tried: string[] = [];
    const { reclaimer } = reclaimerOf((m: Machine) => {
      for (const [name, access] of [
        ['read', () => m.read(vm, 0)],
        ['write', () => m.write(vm, 0, 1)],
        ['accessBatch', () => m.accessBatch(vm, ops, new Float64Array(1), 1)],
        ['deviceRead', () => m.deviceRead(vm, 0)],
        ['deviceWrite', () => m.deviceWrite(vm, 0, 1)],
      ] as const) {
        expect(access, name).toThrow(ReclaimerAccessError);
        tried.push(name);
      }
      m.swapOut(vm, 0);
      m.flushSwapWrites();
    });
    const machine = createMachine({ frames: 3, swapSlots: 2, reclaimer });
    vm = machine.addVm({ pages: 3 });
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    machine.write(vm, 2, 3);
    expect(tried).toHaveLength(5);
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 2)).toBe(3);
    expect(machine.read(vm, 1)).toBe(2); // guest accesses work again once it returned
    checkInvariants(machine);
  });

  /**
   * A full 4-frame host whose pages 0 and 1 share a frame; the reclaimer pages out `pageOut` (by default
   * pages 0 and 2: the other mapper of that frame among them) and waits for the writes.
   */
  function fullHostWithPager(pageOut: readonly Ppn[] = [0, 2]) {
    let vm = 0 as VmId;
    const { reclaimer, reclaimFrames } = reclaimerOf((m: Machine) => {
      for (const ppn of pageOut) m.swapOut(vm, ppn);
      m.flushSwapWrites();
    });
    const machine = createMachine({ frames: 4, swapSlots: 4, reclaimer });
    vm = machine.addVm({ pages: 4 });
    machine.write(vm, 0, 5);
    machine.write(vm, 1, 5);
    const frame = machine.share(vm, 1, vm, 0);
    machine.write(vm, 2, 7);
    machine.write(vm, 3, 8);
    expect(machine.freeFrames).toBe(0);
    return { machine, vm, reclaimFrames, frame };
  }

  it('a COW break survives a reclaimer that pages out the other mapper of the shared frame', () => {
    const { machine, vm, reclaimFrames, frame } = fullHostWithPager();

    machine.write(vm, 1, 9);
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    expect(machine.peek(vm, 1)).toBe(9);
    expect(machine.peek(vm, 0)).toBe(5);
    // Page 1 was the shared frame's last mapper by the time it got its copy, so that frame must not stay
    // shared with no mapper: it is freed (or reused for the copy).
    checkInvariants(machine);
    expect(machine.refCount(frame) === 0 && machine.frameState(frame) === FrameState.Shared).toBe(false);
    expectFrames(machine, { free: 1, private: 2, shared: 1 });
  });
  it('compressing a shared page survives a reclaimer that pages out the other mapper', () => {
    const { machine, vm, reclaimFrames } = fullHostWithPager();

    machine.compress(vm, 1, 100);
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    expect(machine.peek(vm, 1)).toBe(5);
    // 100 compressed bytes need one cache frame; the shared frame, now unmapped, is free.
    checkInvariants(machine);
    expect(machine.compressionFrames(vm)).toBe(1);
    expectFrames(machine, { free: 1, private: 1, compressed: 1, shared: 1 });
  });

  it('may move the very page whose access needs the frame: the access resolves it from its new state', () => {
    // The write to page 1 breaks its share; the reclaimer pages out page 1 itself, and page 2.
    const { machine, vm, reclaimFrames } = fullHostWithPager([1, 2]);
    machine.write(vm, 1, 9);
    expect(reclaimFrames).toHaveBeenCalledTimes(1);
    // Swapped in onto page 2's frame, then written.
    expect(machine.pageState(vm, 1)).toBe(PageState.Private);
    expect(machine.peek(vm, 1)).toBe(9);
    expect(machine.peek(vm, 0)).toBe(5);
    expect(machine.counters(vm)).toMatchObject({ swapIns: 1, cowBreaks: 0 });
    checkInvariants(machine);
  });
});

describe('ContentStore', () => {
  const page = (seed: number): Uint8Array => {
    const bytes = new Uint8Array(PAGE_SIZE);
    for (let i = 0; i < PAGE_SIZE; i++) bytes[i] = (i * 31 + seed * 7 + (seed >> 8)) & 0xff;
    bytes[0] = seed & 0xff;
    bytes[1] = (seed >> 8) & 0xff;
    return bytes;
  };

  it('interns equal bytes to the same id and distinct bytes to distinct ids from CONTENT_STORE_BASE', () => {
    const store = new ContentStore();
    const a = store.intern(page(1));
    expect(a).toBe(CONTENT_STORE_BASE);
    expect(store.intern(page(1))).toBe(a);
    const b = store.intern(page(2));
    expect(b).not.toBe(a);
    expect(b).toBeGreaterThanOrEqual(CONTENT_STORE_BASE);
    expect(Number.isSafeInteger(b)).toBe(true);
    expect(store.size).toBe(2);
  });

  it('interns a page of zeros as the zero content', () => {
    const store = new ContentStore();
    expect(store.intern(new Uint8Array(PAGE_SIZE))).toBe(0);
    expect(store.size).toBe(0);
    expect(store.bytes(0)).toEqual(new Uint8Array(PAGE_SIZE));
  });

  it('bytes(id) round-trips and is independent of the caller’s buffer', () => {
    const store = new ContentStore();
    const original = page(3);
    const id = store.intern(original);
    const copy = original.slice();
    original.fill(9);
    expect(store.bytes(id)).toEqual(copy);
    expect(store.bytes(5)).toBeUndefined();
    expect(store.bytes(CONTENT_STORE_BASE + 1)).toBeUndefined();
  });

  it('interns a view into a larger buffer like the same bytes on their own', () => {
    const store = new ContentStore();
    const id = store.intern(page(4));
    const big = new Uint8Array(PAGE_SIZE * 3);
    big.set(page(4), PAGE_SIZE + 16);
    expect(store.intern(big.subarray(PAGE_SIZE + 16, 2 * PAGE_SIZE + 16))).toBe(id);
    expect(store.size).toBe(1);
  });

  it('keeps ids and bytes exact across storage chunks', () => {
    const store = new ContentStore();
    const ids = Array.from({ length: 1100 }, (_, i) => store.intern(page(i + 1)));
    expect(new Set(ids).size).toBe(1100);
    for (const i of [0, 1023, 1024, 1099]) {
      expect(ids[i]).toBe(CONTENT_STORE_BASE + i);
      expect(store.bytes(ids[i]!)).toEqual(page(i + 1));
      expect(store.intern(page(i + 1))).toBe(ids[i]);
    }
    expect(store.size).toBe(1100);
  });

  it('refuses a page of the wrong length with InvalidInputError', () => {
    const store = new ContentStore();
    for (const length of [0, PAGE_SIZE - 1, PAGE_SIZE + 1]) {
      let error: unknown;
      try {
        store.intern(new Uint8Array(length));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).field).toBe('page');
      expect((error as Error).message).toContain(`${PAGE_SIZE} bytes`);
      expect((error as Error).message).toContain(`got ${length}`);
    }
    expect(store.size).toBe(0);
  });

  it('its ids flow through the machine as contents', () => {
    const store = new ContentStore();
    const machine = createMachine({ frames: 4, contentStore: store });
    expect(machine.contentStore).toBe(store);
    const vm = machine.addVm({ pages: 2 });
    const id = store.intern(page(7));
    machine.write(vm, 0, id);
    machine.write(vm, 1, store.intern(page(7)));
    machine.share(vm, 1, vm, 0);
    expect(store.bytes(machine.read(vm, 1))).toEqual(page(7));
    checkInvariants(machine);
  });
});

describe('virtual disk I/O', () => {
  it('counts and charges a guest disk read and write at the cost model', () => {
    const machine = createMachine({ frames: 8, costs: { diskRead: 5_000_000, diskWrite: 7_000_000 } });
    const vm = machine.addVm({ pages: 2 });
    machine.diskRead(vm);
    machine.diskWrite(vm);
    machine.diskWrite(vm);
    expect(machine.counters(vm)).toMatchObject({ diskReads: 1, diskWrites: 2, time: 19_000_000 });
  });
});
