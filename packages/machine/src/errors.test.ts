import {
  ContentMismatchError,
  type CostModel,
  checkInvariants,
  createMachine,
  DiscardFaultError,
  InvalidTransitionError,
  type Machine,
  type MachineOptions,
  OutOfFramesError,
  OutOfRangeError,
  OutOfSwapError,
} from '@hvsim/machine';
import {
  accessOp,
  FrameState,
  GuestPageUsage,
  HvsimError,
  InvalidInputError,
  PageState,
  type VmId,
} from '@hvsim/spec';
import { describe, expect, it } from 'vitest';

type ErrorClass = abstract new (...args: never[]) => HvsimError;

/** Runs `fn`, expects it to throw an instance of `type` with `code`, and returns the error. */
function thrown(fn: () => unknown, type: ErrorClass, code: string): HvsimError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(type);
  const e = error as HvsimError;
  expect(e).toBeInstanceOf(HvsimError);
  expect(e.code).toBe(code);
  expect(e.name).toBe(type.name);
  return e;
}

/** Expects an InvalidInputError naming `field`, whose message contains every fragment. */
function expectInvalidInput(fn: () => unknown, field: string, ...fragments: string[]): void {
  const e = thrown(fn, InvalidInputError, 'invalid-input');
  expect(e.field).toBe(field);
  expect(e.message.startsWith(`${field}: `)).toBe(true);
  for (const f of fragments) expect(e.message).toContain(f);
}

/** Everything observable about a machine, to check an operation that threw changed nothing. */
function snapshot(machine: Machine) {
  return {
    frames: machine.framePartition(),
    swapUsed: machine.usedSwapSlots,
    sharedFrames: machine.sharedFrames,
    now: machine.now,
    vms: machine.vms().map((vm) => ({
      counters: { ...machine.counters(vm) },
      partition: machine.pagePartition(vm),
      pages: Array.from({ length: machine.pageCount(vm) }, (_, p) => ({
        state: machine.pageState(vm, p),
        frame: machine.frameOf(vm, p),
        content: machine.peek(vm, p),
        refs: machine.frameOf(vm, p) === undefined ? undefined : machine.refCount(machine.frameOf(vm, p)!),
      })),
    })),
  };
}

function setup(options: Partial<MachineOptions> = {}, pages = 4) {
  const machine = createMachine({ frames: 16, swapSlots: 4, ...options });
  const vm = machine.addVm({ pages });
  return { machine, vm };
}

describe('createMachine options', () => {
  it.each([0, 1, 2.5, -3, Number.NaN, 2 ** 32])('frames %s', (frames) => {
    expectInvalidInput(() => createMachine({ frames }), 'frames', 'whole number', '[2, ', `got ${frames}`);
  });

  it('accepts the smallest host', () => {
    const machine = createMachine({ frames: 2 });
    expect(machine.freeFrames).toBe(1);
  });

  it('reservedFrames too large or negative', () => {
    expectInvalidInput(
      () => createMachine({ frames: 8, reservedFrames: 7 }),
      'reservedFrames',
      '[0, 6]',
      'got 7',
    );
    expectInvalidInput(() => createMachine({ frames: 8, reservedFrames: -1 }), 'reservedFrames', 'got -1');
    // The largest allowed still leaves a frame besides the zero page.
    expect(createMachine({ frames: 8, reservedFrames: 6 }).freeFrames).toBe(1);
  });

  it('negative or fractional swapSlots', () => {
    expectInvalidInput(
      () => createMachine({ frames: 8, swapSlots: -1 }),
      'swapSlots',
      'whole number',
      'got -1',
    );
    expectInvalidInput(() => createMachine({ frames: 8, swapSlots: 1.5 }), 'swapSlots', 'got 1.5');
  });

  it('refCountLimit out of its range', () => {
    expectInvalidInput(() => createMachine({ frames: 8, refCountLimit: 1 }), 'refCountLimit', '[2, 65535]');
    expectInvalidInput(
      () => createMachine({ frames: 8, refCountLimit: 0x10000 }),
      'refCountLimit',
      'got 65536',
    );
  });

  it('unknown cost override', () => {
    const costs = { access: 1, bogus: 5 } as Partial<CostModel>;
    expectInvalidInput(
      () => createMachine({ frames: 8, costs }),
      'costs.bogus',
      'unknown cost',
      'access',
      'swapIn',
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('cost override %s', (value) => {
    expectInvalidInput(
      () => createMachine({ frames: 8, costs: { swapIn: value } }),
      'costs.swapIn',
      'at least 0 ns',
      `got ${value}`,
    );
  });

  it('an access that costs no time: a VM whose accesses all hit would never see its clock move', () => {
    expectInvalidInput(
      () => createMachine({ frames: 8, costs: { access: 0 } }),
      'costs.access',
      'at least 1 ns',
      'got 0',
    );
  });

  it('a valid override is used and the rest keep their defaults', () => {
    const machine = createMachine({ frames: 8, costs: { zeroFill: 0 } });
    expect(machine.costs.zeroFill).toBe(0);
    expect(machine.costs.access).toBe(100);
  });
});

describe('addVm', () => {
  it.each([0, -1, 1.5])('pages %s', (pages) => {
    const machine = createMachine({ frames: 8 });
    expectInvalidInput(() => machine.addVm({ pages }), 'vm.pages', 'whole number', `got ${pages}`);
    expect(machine.vms()).toEqual([]);
  });

  it('negative overheadFrames', () => {
    const machine = createMachine({ frames: 8 });
    expectInvalidInput(() => machine.addVm({ pages: 1, overheadFrames: -1 }), 'vm.overheadFrames', 'got -1');
  });

  it('more overhead frames than are free: OutOfFramesError, nothing taken', () => {
    const machine = createMachine({ frames: 8, reservedFrames: 3 });
    const before = machine.framePartition();
    const e = thrown(() => machine.addVm({ pages: 2, overheadFrames: 5 }), OutOfFramesError, 'out-of-frames');
    expect(e.message).toContain('5 overhead frames');
    expect(e.message).toContain('4 free');
    expect(machine.vms()).toEqual([]);
    expect(machine.framePartition()).toEqual(before);
    checkInvariants(machine);
    // Exactly the free frames is fine.
    machine.addVm({ pages: 2, overheadFrames: 4 });
    expect(machine.freeFrames).toBe(0);
  });
});

describe('VM ids', () => {
  it('an unknown VM id is OutOfRangeError naming the vm', () => {
    const { machine } = setup();
    const ghost = 7 as VmId;
    for (const op of [
      () => machine.read(ghost, 0),
      () => machine.write(ghost, 0, 1),
      () => machine.pageState(ghost, 0),
      () => machine.swapOut(ghost, 0),
      () => machine.removeVm(ghost),
      () => machine.charge(ghost, 1),
      () =>
        machine.traps.arm(
          machine.traps.register('t', () => {}),
          ghost,
          0,
        ),
    ]) {
      const e = thrown(op, OutOfRangeError, 'out-of-range');
      expect(e.field).toBe('vm');
      expect(e.message).toContain('powered-on VM');
      expect(e.message).toContain('got 7');
    }
  });

  it('a removed VM id is OutOfRangeError', () => {
    const { machine, vm } = setup();
    machine.write(vm, 0, 1);
    machine.removeVm(vm);
    for (const op of [() => machine.read(vm, 0), () => machine.removeVm(vm), () => machine.counters(vm)]) {
      const e = thrown(op, OutOfRangeError, 'out-of-range');
      expect(e.field).toBe('vm');
      expect(e.message).toContain(`got ${vm}`);
    }
  });
});

describe('page numbers', () => {
  it.each([4, -1, 1.5, Number.NaN])('ppn %s on read and write', (ppn) => {
    const { machine, vm } = setup();
    const before = snapshot(machine);
    for (const op of [() => machine.read(vm, ppn), () => machine.write(vm, ppn, 1)]) {
      const e = thrown(op, OutOfRangeError, 'out-of-range');
      expect(e.field).toBe('ppn');
      expect(e.message).toContain('[0, 4)');
      expect(e.message).toContain(`got ${ppn}`);
    }
    expect(snapshot(machine)).toEqual(before);
  });

  it('ppn out of range in accessBatch names the page', () => {
    const { machine, vm } = setup();
    const e = thrown(
      () => machine.accessBatch(vm, Uint32Array.of(1, 9), new Float64Array(2), 2),
      OutOfRangeError,
      'out-of-range',
    );
    expect(e.field).toBe('ops[1]');
    expect(e.message).toContain('[0, 4)');
    expect(e.message).toContain('got 9');
  });

  it('a batch count larger than its arrays', () => {
    const { machine, vm } = setup();
    const e = thrown(
      () => machine.accessBatch(vm, Uint32Array.of(0), new Float64Array(1), 2),
      OutOfRangeError,
      'out-of-range',
    );
    expect(e.field).toBe('count');
    expect(e.message).toContain('got 2');
  });

  it('a batch that fails part-way leaves its counters consistent with what it did', () => {
    // Either the batch is refused whole (nothing changed), or the accesses it did are counted exactly as the
    // same reads would count them before the failing one.
    const { machine, vm } = setup();
    const nothing = snapshot(machine);
    const sequence = setup();
    sequence.machine.read(sequence.vm, 0);
    const prefix = snapshot(sequence.machine);

    expect(() => machine.accessBatch(vm, Uint32Array.of(0, 9), new Float64Array(2), 2)).toThrow(
      OutOfRangeError,
    );
    expect([nothing, prefix]).toContainEqual(snapshot(machine));
    checkInvariants(machine);
  });

  it('an mpn out of range', () => {
    const { machine, vm } = setup();
    machine.read(vm, 0);
    const e = thrown(() => machine.shareWithFrame(vm, 0, 99), OutOfRangeError, 'out-of-range');
    expect(e.field).toBe('mpn');
    expect(e.message).toContain('[0, 16)');
    expect(e.message).toContain('got 99');
    expect(() => machine.frameState(-1)).toThrow(OutOfRangeError);
  });
});

describe('contents', () => {
  it.each([-1, 1.5, Number.NaN, 2 ** 53])('write of %s', (content) => {
    const { machine, vm } = setup();
    const before = snapshot(machine);
    expectInvalidInput(() => machine.write(vm, 0, content), 'content', 'content id', `got ${content}`);
    expect(snapshot(machine)).toEqual(before);
  });

  it.each([-1, 1.5, Number.NaN])('accessBatch write of %s is refused like write', (content) => {
    const { machine, vm } = setup();
    machine.write(vm, 0, 3);
    expectInvalidInput(
      () => machine.accessBatch(vm, Uint32Array.of(accessOp(0, true)), Float64Array.of(content), 1),
      'contents[0]',
      `got ${content}`,
    );
    expect(machine.peek(vm, 0)).toBe(3);
  });
});

describe('share', () => {
  it('of a non-resident page is InvalidTransitionError', () => {
    const { machine, vm } = setup();
    machine.write(vm, 1, 0);
    let e = thrown(() => machine.share(vm, 0, vm, 1), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('share');
    expect(e.message).toContain('page 0 of vm 0 is unbacked');
    expect(e.message).toContain('private or shared');
    machine.write(vm, 2, 0);
    machine.swapOut(vm, 2);
    e = thrown(() => machine.share(vm, 1, vm, 2), InvalidTransitionError, 'invalid-transition');
    expect(e.message).toContain('page 2 of vm 0 is swapped');
    e = thrown(
      () => machine.shareWithFrame(vm, 3, machine.zeroFrame),
      InvalidTransitionError,
      'invalid-transition',
    );
    expect(e.field).toBe('shareWithFrame');
    e = thrown(() => machine.breakShare(vm, 3), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('breakShare');
    checkInvariants(machine);
  });

  it('of pages with different contents is ContentMismatchError and changes nothing', () => {
    const { machine, vm } = setup();
    const other = machine.addVm({ pages: 2 });
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 1);
    machine.share(vm, 1, vm, 0);
    machine.write(vm, 2, 2);
    machine.write(other, 1, 3);
    const before = snapshot(machine);

    let e = thrown(() => machine.share(vm, 2, vm, 0), ContentMismatchError, 'content-mismatch');
    expect(e.message).toContain('vm 0 page 2 and vm 0 page 0');
    e = thrown(() => machine.share(other, 1, vm, 2), ContentMismatchError, 'content-mismatch');
    expect(e.message).toContain(`vm ${other} page 1 and vm 0 page 2`);
    expect(snapshot(machine)).toEqual(before);
    expect(machine.pageState(vm, 2)).toBe(PageState.Private);
    expect(machine.pageState(other, 1)).toBe(PageState.Private);
    checkInvariants(machine);
  });

  it('shareWithFrame onto a frame that is not shared, or holds other contents', () => {
    const { machine, vm } = setup();
    machine.write(vm, 0, 5);
    machine.write(vm, 1, 5);
    const privateFrame = machine.frameOf(vm, 1)!;
    const before = snapshot(machine);
    let e = thrown(() => machine.shareWithFrame(vm, 0, privateFrame), OutOfRangeError, 'out-of-range');
    expect(e.field).toBe('mpn');
    expect(e.message).toContain('a shared frame');
    expect(e.message).toContain(`got ${privateFrame}`);
    const free = [...machine.frames.freeFrames()].at(-1)!;
    expect(machine.frameState(free)).toBe(FrameState.Free);
    expect(() => machine.shareWithFrame(vm, 0, free)).toThrow(OutOfRangeError);
    e = thrown(
      () => machine.shareWithFrame(vm, 0, machine.zeroFrame),
      ContentMismatchError,
      'content-mismatch',
    );
    expect(e.message).toContain(`vm 0 page 0 and frame ${machine.zeroFrame}`);
    expect(snapshot(machine)).toEqual(before);
    checkInvariants(machine);
  });
});

describe('swap', () => {
  it('swapOut with no swap slots is OutOfSwapError and changes nothing', () => {
    const { machine, vm } = setup({ swapSlots: 0 });
    machine.write(vm, 0, 7);
    const before = snapshot(machine);
    const e = thrown(() => machine.swapOut(vm, 0), OutOfSwapError, 'out-of-swap');
    expect(e.field).toBe('machine.swap');
    expect(e.message).toContain('all 0 host swap slots');
    expect(snapshot(machine)).toEqual(before);
    expect(machine.frameState(machine.frameOf(vm, 0)!)).toBe(FrameState.Private);
    checkInvariants(machine);
  });

  it('swapOut when every slot is in use, of a shared page', () => {
    const { machine, vm } = setup({ swapSlots: 1 });
    machine.write(vm, 0, 7);
    machine.swapOut(vm, 0);
    machine.write(vm, 1, 8);
    machine.write(vm, 2, 8);
    machine.share(vm, 2, vm, 1);
    const before = snapshot(machine);
    const e = thrown(() => machine.swapOut(vm, 1), OutOfSwapError, 'out-of-swap');
    expect(e.message).toContain('all 1 host swap slots');
    expect(snapshot(machine)).toEqual(before);
    checkInvariants(machine);
  });

  it('swapOut of a non-resident page, swapIn of a non-swapped page', () => {
    const { machine, vm } = setup();
    let e = thrown(() => machine.swapOut(vm, 0), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('swapOut');
    machine.write(vm, 0, 1);
    e = thrown(() => machine.swapIn(vm, 0), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('swapIn');
    expect(e.message).toContain('needs a page that is swapped');
    expect(e.message).toContain('page 0 of vm 0 is private');
    expect(machine.pageState(vm, 0)).toBe(PageState.Private);
    checkInvariants(machine);
  });
});

describe('balloon', () => {
  it('balloon twice', () => {
    const { machine, vm } = setup();
    machine.balloon(vm, 1);
    const e = thrown(() => machine.balloon(vm, 1), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('balloon');
    expect(e.message).toContain('not ballooned');
    expect(e.message).toContain('page 1 of vm 0 is ballooned');
    expect(machine.pageState(vm, 1)).toBe(PageState.Ballooned);
    checkInvariants(machine);
  });

  it('unballoon of a page that is not ballooned', () => {
    const { machine, vm } = setup();
    const e = thrown(() => machine.unballoon(vm, 1), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('unballoon');
    expect(e.message).toContain('needs a page that is ballooned');
    expect(e.message).toContain('is unbacked');
  });
});

describe('compress', () => {
  it.each([0, 5000, 1.5, -1])('compressedBytes %s', (bytes) => {
    const { machine, vm } = setup();
    machine.write(vm, 0, 3);
    const before = snapshot(machine);
    expectInvalidInput(() => machine.compress(vm, 0, bytes), 'compressedBytes', '[1, 4096]', `got ${bytes}`);
    expect(snapshot(machine)).toEqual(before);
    expect(machine.compressionFrames(vm)).toBe(0);
    checkInvariants(machine);
  });

  it('compress of a non-resident page, decompress of a non-compressed page', () => {
    const { machine, vm } = setup();
    let e = thrown(() => machine.compress(vm, 0, 100), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('compress');
    machine.write(vm, 0, 3);
    e = thrown(() => machine.decompress(vm, 0), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('decompress');
    expect(e.message).toContain('needs a page that is compressed');
    expect(e.message).toContain('is private');
  });

  it('rejectCompression of a non-resident page, swapOutCompressed of a non-compressed page', () => {
    const { machine, vm } = setup();
    let e = thrown(() => machine.rejectCompression(vm, 0), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('rejectCompression');
    expect(e.message).toContain('needs a page that is private or shared');
    machine.write(vm, 0, 3);
    const before = snapshot(machine);
    e = thrown(() => machine.swapOutCompressed(vm, 0), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('swapOutCompressed');
    expect(e.message).toContain('needs a page that is compressed');
    expect(snapshot(machine)).toEqual(before);
  });

  it('swapOutCompressed with every slot in use is OutOfSwapError and keeps the page compressed', () => {
    const { machine, vm } = setup({ swapSlots: 0 });
    machine.write(vm, 0, 3);
    machine.compress(vm, 0, 100);
    const before = snapshot(machine);
    const e = thrown(() => machine.swapOutCompressed(vm, 0), OutOfSwapError, 'out-of-swap');
    expect(e.field).toBe('machine.swap');
    expect(snapshot(machine)).toEqual(before);
    expect(machine.compressedBytes(vm)).toBe(100);
    checkInvariants(machine);
  });
});

describe('discard and drop', () => {
  it('discard of a page holding no contents', () => {
    const { machine, vm } = setup();
    machine.balloon(vm, 1);
    machine.write(vm, 2, 5);
    machine.setPageUsage(vm, 2, GuestPageUsage.Volatile);
    machine.discard(vm, 2);
    for (const [ppn, state] of [
      [0, 'unbacked'],
      [1, 'ballooned'],
      [2, 'discarded'],
    ] as const) {
      const e = thrown(() => machine.discard(vm, ppn), InvalidTransitionError, 'invalid-transition');
      expect(e.field).toBe('discard');
      expect(e.message).toContain('holding contents');
      expect(e.message).toContain(`page ${ppn} of vm 0 is ${state}`);
    }
    expect(machine.counters(vm).discards).toBe(1);
    checkInvariants(machine);
  });

  it('discard of a stable page, drop of one not unused: their data would be lost', () => {
    const { machine, vm } = setup();
    machine.write(vm, 2, 5);
    const discard = thrown(() => machine.discard(vm, 2), InvalidTransitionError, 'invalid-transition');
    expect(discard.message).toContain('volatile, or potentially volatile and clean');
    machine.setPageUsage(vm, 2, GuestPageUsage.Volatile);
    const drop = thrown(() => machine.drop(vm, 2), InvalidTransitionError, 'invalid-transition');
    expect(drop.message).toContain('needs a page that is unused');
    expect(machine.read(vm, 2)).toBe(5);
  });

  it('a usage state out of range, and volatile on a ballooned page', () => {
    const { machine, vm } = setup();
    const e = thrown(() => machine.setPageUsage(vm, 0, 4 as GuestPageUsage), OutOfRangeError, 'out-of-range');
    expect(e.message).toContain('GuestPageUsage');
    machine.balloon(vm, 3);
    const v = thrown(
      () => machine.setPageUsage(vm, 3, GuestPageUsage.Volatile),
      InvalidTransitionError,
      'invalid-transition',
    );
    expect(v.field).toBe('setPageUsage');
  });

  it('drop of a ballooned page', () => {
    const { machine, vm } = setup();
    machine.balloon(vm, 3);
    const e = thrown(() => machine.drop(vm, 3), InvalidTransitionError, 'invalid-transition');
    expect(e.field).toBe('drop');
    expect(e.message).toContain('not ballooned');
    expect(machine.pageState(vm, 3)).toBe(PageState.Ballooned);
  });

  it('an access to a discarded page with no handler is DiscardFaultError', () => {
    const { machine, vm } = setup();
    machine.write(vm, 2, 5);
    machine.setPageUsage(vm, 2, GuestPageUsage.Volatile);
    machine.discard(vm, 2);
    const e = thrown(() => machine.read(vm, 2), DiscardFaultError, 'discard-fault');
    expect(e.message).toContain('page 2 of vm 0 was discarded');
    expect(machine.pageState(vm, 2)).toBe(PageState.Discarded);
  });
});

describe('time', () => {
  it('advanceTo backwards', () => {
    const { machine } = setup();
    machine.advanceTo(100);
    expectInvalidInput(() => machine.advanceTo(50), 'time', '≥ now (100)', 'got 50');
    expectInvalidInput(() => machine.advanceTo(Number.NaN), 'time', 'got NaN');
    expect(machine.now).toBe(100);
    machine.advanceTo(100);
    expect(machine.now).toBe(100);
  });

  it('charge negative', () => {
    const { machine, vm } = setup();
    machine.charge(vm, 10);
    expectInvalidInput(() => machine.charge(vm, -1), 'ns', 'non-negative', 'got -1');
    expectInvalidInput(() => machine.charge(vm, Number.NaN), 'ns', 'got NaN');
    expect(machine.vmTime(vm)).toBe(10);
  });
});

describe('out of frames', () => {
  /** A 3-frame host: the zero page and two free frames. */
  const tiny = () => setup({ frames: 3 });

  it('a zero-fill that finds no frame', () => {
    const { machine, vm } = tiny();
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 2);
    const e = thrown(() => machine.read(vm, 2), OutOfFramesError, 'out-of-frames');
    expect(e.field).toBe('machine');
    expect(e.message).toContain('a zero-fill');
    expect(machine.pageState(vm, 2)).toBe(PageState.Unbacked);
    expect(machine.counters(vm).zeroFills).toBe(2);
    checkInvariants(machine);
  });

  it('a copy-on-write break that finds no frame leaves the page shared', () => {
    const { machine, vm } = tiny();
    machine.write(vm, 0, 1);
    machine.write(vm, 1, 1);
    const frame = machine.share(vm, 1, vm, 0);
    machine.write(vm, 2, 2);
    const e = thrown(() => machine.write(vm, 1, 3), OutOfFramesError, 'out-of-frames');
    expect(e.message).toContain('a copy-on-write break');
    expect(machine.pageState(vm, 1)).toBe(PageState.Shared);
    expect(machine.refCount(frame)).toBe(2);
    expect(machine.read(vm, 1)).toBe(1);
    checkInvariants(machine);
  });

  it('a swap-in that finds no frame leaves the page swapped', () => {
    const { machine, vm } = tiny();
    machine.write(vm, 0, 1);
    machine.swapOut(vm, 0);
    machine.flushSwapWrites();
    machine.write(vm, 1, 2);
    machine.write(vm, 2, 3);
    const e = thrown(() => machine.read(vm, 0), OutOfFramesError, 'out-of-frames');
    expect(e.message).toContain('a swap-in');
    expect(machine.pageState(vm, 0)).toBe(PageState.Swapped);
    expect(machine.peek(vm, 0)).toBe(1);
    checkInvariants(machine);
  });

  it('a decompression that finds no frame leaves the page compressed', () => {
    const { machine, vm } = tiny();
    machine.write(vm, 0, 1);
    machine.compress(vm, 0, 100);
    machine.write(vm, 1, 2);
    expect(machine.freeFrames).toBe(0);
    const e = thrown(() => machine.decompress(vm, 0), OutOfFramesError, 'out-of-frames');
    expect(e.message).toContain('a decompression');
    expect(machine.pageState(vm, 0)).toBe(PageState.Compressed);
    expect(machine.peek(vm, 0)).toBe(1);
    checkInvariants(machine);
  });
});

describe('trap channels', () => {
  it('an unregistered or bad channel, a bad page', () => {
    const { machine, vm } = setup();
    for (const channel of [0, 6, -1, 0.5]) {
      const e = thrown(() => machine.traps.arm(channel, vm, 0), OutOfRangeError, 'out-of-range');
      expect(e.field).toBe('traps.channel');
      expect(e.message).toContain('a registered trap channel');
    }
    const channel = machine.traps.register('t', () => {});
    const e = thrown(() => machine.traps.arm(channel, vm, 4), OutOfRangeError, 'out-of-range');
    expect(e.field).toBe('ppn');
    expect(e.message).toContain('got 4');
  });
});
