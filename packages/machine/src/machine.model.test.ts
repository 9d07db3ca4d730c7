/**
 * Model-based test of the machine against a deliberately simple reference: a map from (vm, page) to the
 * content last written. Random sequences of reads, writes and every remap operation run on both; after each
 * command every page must hold what the reference says (data integrity and isolation) and every bookkeeping
 * invariant must hold (conservation, partition, refcount = mappers, one shared frame per content, swap slots =
 * swapped pages, compression frames = what the cache's bytes need, only the 8 valid CMM2 combinations). The
 * reference also keeps each page's CMM2 usage: the host may only drop unused pages and discard volatile ones
 * (or potentially volatile ones not written since), so a page whose data the guest did not give up is never
 * lost, and a discarded page is never read without a discard fault that re-reads its disk. Replay a failure
 * with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import {
  accessOp,
  GuestPageUsage,
  PAGE_SIZE,
  PageState,
  type Ppn,
  type VmId,
  WRITE_ACCESS,
} from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContentMismatchError,
  DiscardFaultError,
  DomainMismatchError,
  InvalidTransitionError,
  OutOfRangeError,
} from './errors';
import { checkInvariants } from './invariants';
import { createMachine, type Machine } from './machine';

const VM_PAGES = [4, 3, 3];
const TOTAL_PAGES = VM_PAGES.reduce((a, b) => a + b, 0);

interface Reference {
  /** Content last written per page (absent: zero). */
  readonly content: Map<string, number>;
  readonly ballooned: Set<string>;
  readonly discarded: Set<string>;
  /** What a discarded page's guest would re-read from its disk. */
  readonly disk: Map<string, number>;
  /** CMM2 usage per page (absent: stable), and the potentially volatile pages written since marked. */
  readonly usage: Map<string, GuestPageUsage>;
  readonly written: Set<string>;
}

const { Stable, Unused, Volatile, PotentiallyVolatile } = GuestPageUsage;
const usageOf = (model: Reference, k: string) => model.usage.get(k) ?? Stable;

interface Real {
  readonly machine: Machine;
  readonly vms: VmId[];
  /** The guest's disk: what a discarded page is re-read as. */
  readonly disk: Map<string, number>;
  discardFaults: number;
}

const key = (vm: number, ppn: Ppn) => `${vm}:${ppn}`;

/** What a read of the page must return according to the reference. */
function expected(model: Reference, k: string): number {
  if (model.ballooned.has(k)) return 0;
  if (model.discarded.has(k)) return model.disk.get(k)!;
  return model.content.get(k) ?? 0;
}

/**
 * An access pops a balloon (the page then reads zero) or restores a discarded page from disk (the fault
 * leaves it stable); a write marks a potentially volatile page written.
 */
function accessed(model: Reference, k: string, write = false): void {
  if (model.ballooned.delete(k)) model.content.delete(k);
  if (model.discarded.delete(k)) {
    model.content.set(k, model.disk.get(k)!);
    model.usage.delete(k);
  }
  if (write && usageOf(model, k) === PotentiallyVolatile) model.written.add(k);
}

/** The page's contents are gone and it is discarded (Vz); its guest re-reads `disk` on the next access. */
function discarded(model: Reference, k: string, disk: number): void {
  model.disk.set(k, disk);
  model.discarded.add(k);
  model.content.delete(k);
  model.usage.set(k, Volatile);
  model.written.delete(k);
}

function checkAll(model: Reference, real: Real): void {
  const { machine, vms } = real;
  checkInvariants(machine);
  vms.forEach((vm, v) => {
    const partition = machine.pagePartition(vm);
    expect(Object.values(partition).reduce((a, b) => a + b, 0)).toBe(VM_PAGES[v]);
    for (let ppn = 0; ppn < VM_PAGES[v]!; ppn++) {
      const k = key(v, ppn);
      const state = machine.pageState(vm, ppn);
      expect(machine.pageUsage(vm, ppn), `usage of ${k}`).toBe(usageOf(model, k));
      if (model.discarded.has(k)) {
        expect(state).toBe(PageState.Discarded);
        expect(machine.peek(vm, ppn)).toBeUndefined();
      } else if (model.ballooned.has(k)) {
        expect(state).toBe(PageState.Ballooned);
      } else {
        expect(machine.peek(vm, ppn), `contents of ${k}`).toBe(model.content.get(k) ?? 0);
      }
    }
  });
  const frames = machine.framePartition();
  expect(Object.values(frames).reduce((a, b) => a + b, 0)).toBe(machine.totalFrames);
}

const op = checkedCommands<Reference, Real>(checkAll);

/** Runs an operation that the page's current state may refuse; a refusal must change nothing. */
function attempt(allowed: boolean, action: () => void, refusal: new (...args: never[]) => Error): boolean {
  if (allowed) {
    action();
    return true;
  }
  expect(action).toThrow(refusal);
  return false;
}

const resident = (s: PageState) => s === PageState.Private || s === PageState.Shared;

/** Whether the page is on a shared frame of a sharing domain other than `domain` (never the zero frame). */
function inOtherDomain(machine: Machine, vm: VmId, ppn: Ppn, domain: number): boolean {
  const frame = machine.frameOf(vm, ppn);
  return (
    machine.pageState(vm, ppn) === PageState.Shared &&
    frame !== machine.zeroFrame &&
    machine.frameDomain(frame!) !== domain
  );
}

const page = fc
  .integer({ min: 0, max: VM_PAGES.length - 1 })
  .chain((v) => fc.record({ v: fc.constant(v), ppn: fc.integer({ min: 0, max: VM_PAGES[v]! - 1 }) }));
const content = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.maxSafeNat());

/** A CPU or device (DMA) write: the same outcome for the data; only a batch's access takes a discard fault. */
const writeCommand = (via: 'write' | 'deviceWrite') =>
  fc.tuple(page, content).map(([{ v, ppn }, c]) =>
    op(`${via}(${v},${ppn},${c})`, (model, real) => {
      const k = key(v, ppn);
      const write = () => real.machine[via](real.vms[v]!, ppn, c);
      if (!attempt(!model.discarded.has(k), write, DiscardFaultError)) return;
      accessed(model, k, true);
      model.content.set(k, c);
    }),
  );

const readCommand = (via: 'read' | 'deviceRead') =>
  page.map(({ v, ppn }) =>
    op(`${via}(${v},${ppn})`, (model, real) => {
      const k = key(v, ppn);
      const read = () => expect(real.machine[via](real.vms[v]!, ppn)).toBe(expected(model, k));
      if (attempt(!model.discarded.has(k), read, DiscardFaultError)) accessed(model, k);
    }),
  );

/**
 * Runs a VM's batch as a guest does: an access that takes a discard fault stops it; the guest re-reads the
 * page from its disk (by DMA) and restarts the batch there.
 */
function runBatch(real: Real, v: number, ops: Uint32Array, contents: Float64Array): void {
  const { machine } = real;
  const vm = real.vms[v]!;
  for (let i = machine.accessBatch(vm, ops, contents, ops.length); i < ops.length; ) {
    const ppn = ops[i]! & ~WRITE_ACCESS;
    expect(machine.pageState(vm, ppn)).toBe(PageState.Unbacked);
    real.discardFaults++;
    machine.deviceWrite(vm, ppn, real.disk.get(key(v, ppn))!);
    i = machine.accessBatch(vm, ops, contents, ops.length, i);
  }
}

const commands = [
  writeCommand('write'),
  readCommand('read'),
  writeCommand('deviceWrite'),
  readCommand('deviceRead'),
  fc.array(fc.tuple(page, fc.boolean(), content), { minLength: 1, maxLength: 12 }).map((accesses) =>
    op(`batch(${accesses.length})`, (model, real) => {
      // One batch per VM, in the order the accesses were drawn.
      for (let v = 0; v < VM_PAGES.length; v++) {
        const mine = accesses.filter(([p]) => p.v === v);
        const ops = Uint32Array.from(mine, ([p, w]) => accessOp(p.ppn, w));
        const contents = Float64Array.from(mine, ([, , c]) => c);
        const faults = real.discardFaults;
        const discards = new Set(mine.map(([p]) => key(v, p.ppn)).filter((k) => model.discarded.has(k)));
        runBatch(real, v, ops, contents);
        expect(real.discardFaults - faults).toBe(discards.size);
        for (const [p, w, c] of mine) {
          accessed(model, key(v, p.ppn), w);
          if (w) model.content.set(key(v, p.ppn), c);
        }
      }
    }),
  ),
  fc.tuple(page, page).map(([a, b]) =>
    op(`share(${a.v},${a.ppn} onto ${b.v},${b.ppn})`, (_model, real) => {
      const { machine, vms } = real;
      const [va, vb] = [vms[a.v]!, vms[b.v]!];
      const both = resident(machine.pageState(va, a.ppn)) && resident(machine.pageState(vb, b.ppn));
      if (both && machine.peek(va, a.ppn) !== machine.peek(vb, b.ppn)) {
        expect(() => machine.share(va, a.ppn, vb, b.ppn)).toThrow(ContentMismatchError);
        return;
      }
      if (both && inOtherDomain(machine, vb, b.ppn, 0)) {
        // fillShared made the frame in domain 1.
        expect(() => machine.share(va, a.ppn, vb, b.ppn)).toThrow(DomainMismatchError);
        return;
      }
      if (attempt(both, () => machine.share(va, a.ppn, vb, b.ppn), InvalidTransitionError)) {
        expect(machine.frameOf(va, a.ppn)).toBe(machine.frameOf(vb, b.ppn));
      }
    }),
  ),
  fc.tuple(page, page, fc.constantFrom(0, 1)).map(([a, b, domain]) =>
    op(`fillShared(${a.v},${a.ppn} onto ${b.v},${b.ppn} in ${domain})`, (model, real) => {
      // A block device's read: page a takes the contents of resident page b, on b's shared frame.
      const { machine, vms } = real;
      const [va, vb] = [vms[a.v]!, vms[b.v]!];
      const [ka, kb] = [key(a.v, a.ppn), key(b.v, b.ppn)];
      const fill = () => machine.fillShared(va, a.ppn, vb, b.ppn, domain);
      if (model.ballooned.has(ka) || model.discarded.has(ka) || !resident(machine.pageState(vb, b.ppn))) {
        expect(fill).toThrow(InvalidTransitionError);
        return;
      }
      if (ka === kb) {
        expect(fill).toThrow(OutOfRangeError);
        return;
      }
      if (inOtherDomain(machine, vb, b.ppn, domain)) {
        expect(fill).toThrow(DomainMismatchError);
        return;
      }
      const free = machine.freeFrames;
      const frame = fill();
      expect(machine.frameOf(va, a.ppn)).toBe(frame);
      expect(machine.frameOf(vb, b.ppn)).toBe(frame);
      expect(machine.pageState(va, a.ppn)).toBe(PageState.Shared);
      expect(machine.freeFrames).toBeGreaterThanOrEqual(free); // no frame taken
      model.content.set(ka, model.content.get(kb) ?? 0);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`shareZero(${v},${ppn})`, (_model, real) => {
      const { machine, vms } = real;
      const vm = vms[v]!;
      const ok = resident(machine.pageState(vm, ppn));
      if (ok && machine.peek(vm, ppn) !== 0) {
        expect(() => machine.shareWithFrame(vm, ppn, machine.zeroFrame)).toThrow(ContentMismatchError);
      } else attempt(ok, () => machine.shareWithFrame(vm, ppn, machine.zeroFrame), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`breakShare(${v},${ppn})`, (_model, real) => {
      const vm = real.vms[v]!;
      const ok = resident(real.machine.pageState(vm, ppn));
      if (attempt(ok, () => real.machine.breakShare(vm, ppn), InvalidTransitionError)) {
        expect(real.machine.pageState(vm, ppn)).toBe(PageState.Private);
      }
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`swapOut(${v},${ppn})`, (model, real) => {
      const vm = real.vms[v]!;
      const ok = resident(real.machine.pageState(vm, ppn)) && usageOf(model, key(v, ppn)) === Stable;
      attempt(ok, () => real.machine.swapOut(vm, ppn), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`swapIn(${v},${ppn})`, (_model, real) => {
      const vm = real.vms[v]!;
      const ok = real.machine.pageState(vm, ppn) === PageState.Swapped;
      attempt(ok, () => real.machine.swapIn(vm, ppn), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`balloon(${v},${ppn})`, (model, real) => {
      const vm = real.vms[v]!;
      const k = key(v, ppn);
      const ok = !model.ballooned.has(k);
      if (attempt(ok, () => real.machine.balloon(vm, ppn), InvalidTransitionError)) {
        model.ballooned.add(k);
        model.discarded.delete(k);
        model.content.delete(k);
        model.usage.delete(k); // the driver pinned it: stable
        model.written.delete(k);
      }
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`unballoon(${v},${ppn})`, (model, real) => {
      const k = key(v, ppn);
      const ok = model.ballooned.has(k);
      if (attempt(ok, () => real.machine.unballoon(real.vms[v]!, ppn), InvalidTransitionError)) {
        model.ballooned.delete(k);
      }
    }),
  ),
  fc.tuple(page, fc.integer({ min: 1, max: PAGE_SIZE })).map(([{ v, ppn }, bytes]) =>
    op(`compress(${v},${ppn},${bytes})`, (model, real) => {
      const vm = real.vms[v]!;
      const ok = resident(real.machine.pageState(vm, ppn)) && usageOf(model, key(v, ppn)) === Stable;
      attempt(ok, () => real.machine.compress(vm, ppn, bytes), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`rejectCompression(${v},${ppn})`, (_model, real) => {
      const vm = real.vms[v]!;
      const ok = resident(real.machine.pageState(vm, ppn));
      attempt(ok, () => real.machine.rejectCompression(vm, ppn), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`swapOutCompressed(${v},${ppn})`, (_model, real) => {
      const vm = real.vms[v]!;
      // Every page has a slot to go to: the device holds as many slots as the VMs have pages.
      const ok = real.machine.pageState(vm, ppn) === PageState.Compressed;
      attempt(ok, () => real.machine.swapOutCompressed(vm, ppn), InvalidTransitionError);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`decompress(${v},${ppn})`, (_model, real) => {
      const vm = real.vms[v]!;
      const ok = real.machine.pageState(vm, ppn) === PageState.Compressed;
      attempt(ok, () => real.machine.decompress(vm, ppn), InvalidTransitionError);
    }),
  ),
  fc.tuple(page, fc.constantFrom(Stable, Unused, Volatile, PotentiallyVolatile)).map(([{ v, ppn }, usage]) =>
    op(`setPageUsage(${v},${ppn},${usage})`, (model, real) => {
      const vm = real.vms[v]!;
      const k = key(v, ppn);
      const state = real.machine.pageState(vm, ppn);
      const zero = usage === Stable || usage === Unused;
      if (model.ballooned.has(k)) {
        if (attempt(zero, () => real.machine.setPageUsage(vm, ppn, usage), InvalidTransitionError)) {
          model.usage.set(k, usage);
        }
        return;
      }
      expect(real.machine.setPageUsage(vm, ppn, usage)).toBe(usageOf(model, k));
      model.written.delete(k);
      if (resident(state)) model.usage.set(k, usage);
      else if (state === PageState.Swapped || state === PageState.Compressed) {
        // Preserved: unused or volatile lets the host forget it; the guest's disk holds a volatile page.
        if (usage === Unused) {
          model.content.delete(k);
          model.usage.set(k, Unused);
        } else if (usage === Volatile) discarded(model, k, model.content.get(k) ?? 0);
      } else if (zero) {
        // Logically zero (discarded included): a discarded page now reads zero.
        model.discarded.delete(k);
        model.content.delete(k);
        model.usage.set(k, usage);
      } else if (!model.discarded.has(k)) discarded(model, k, 0);
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`makeStableIfNotDiscarded(${v},${ppn})`, (model, real) => {
      const k = key(v, ppn);
      const wasDiscarded = model.discarded.has(k);
      expect(real.machine.makeStableIfNotDiscarded(real.vms[v]!, ppn)).toBe(!wasDiscarded);
      if (!wasDiscarded) {
        model.usage.delete(k);
        model.written.delete(k);
      }
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`evict(${v},${ppn})`, (model, real) => {
      const vm = real.vms[v]!;
      const k = key(v, ppn);
      const ok = resident(real.machine.pageState(vm, ppn));
      const usage = usageOf(model, k);
      const expectation =
        usage === Unused
          ? 'dropped'
          : usage === Volatile || (usage === PotentiallyVolatile && !model.written.has(k))
            ? 'discarded'
            : 'swapped';
      let outcome: string | undefined;
      if (!attempt(ok, () => (outcome = real.machine.evict(vm, ppn)), InvalidTransitionError)) return;
      expect(outcome).toBe(expectation);
      // A volatile page is clean: its disk holds what it held. Anything else the host keeps.
      if (expectation === 'dropped') model.content.delete(k);
      else if (expectation === 'discarded') discarded(model, k, model.content.get(k) ?? 0);
      else {
        model.usage.delete(k);
        model.written.delete(k);
      }
    }),
  ),
  page.map(({ v, ppn }) =>
    op(`discard(${v},${ppn})`, (model, real) => {
      const vm = real.vms[v]!;
      const k = key(v, ppn);
      const usage = usageOf(model, k);
      const state = real.machine.pageState(vm, ppn);
      const holding =
        state !== PageState.Unbacked && state !== PageState.Ballooned && state !== PageState.Discarded;
      const ok = holding && (usage === Volatile || (usage === PotentiallyVolatile && !model.written.has(k)));
      if (attempt(ok, () => real.machine.discard(vm, ppn), InvalidTransitionError)) {
        discarded(model, k, model.content.get(k) ?? 0);
      }
    }),
  ),
  fc.integer({ min: 0, max: 12_000_000 }).map((dt) =>
    op(`advance(${dt})`, (_model, real) => {
      real.machine.advanceTo(real.machine.now + dt);
    }),
  ),
  fc.constant(
    op('flushSwapWrites', (_model, real) => {
      real.machine.flushSwapWrites();
      expect(real.machine.framePartition().inFlight).toBe(0);
    }),
  ),
];

function setup(refCountLimit: number): () => { model: Reference; real: Real } {
  return () => {
    const disk = new Map<string, number>();
    const machine = createMachine({
      frames: 2 * TOTAL_PAGES + 8,
      reservedFrames: 3,
      swapSlots: TOTAL_PAGES,
      refCountLimit,
    });
    const real: Real = { machine, vms: [], disk, discardFaults: 0 };
    for (const [v, pages] of VM_PAGES.entries()) real.vms.push(machine.addVm({ pages, overheadFrames: v }));
    return {
      model: {
        content: new Map(),
        ballooned: new Set(),
        discarded: new Set(),
        disk,
        usage: new Map(),
        written: new Set(),
      },
      real,
    };
  };
}

const replayPath = process.env['FC_REPLAY_PATH'];

describe('machine against a reference map', () => {
  it.each([
    ['16-bit reference counts', 0xffff],
    ['reference counts overflowing at 3', 3],
  ])(
    'keeps data and every invariant under random operations (%s)',
    (_name, limit) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 100, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          (cmds) => fc.modelRun(setup(limit), cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 200) },
      );
    },
    60_000,
  ); // 200 runs of up to 100 commands: about 5 s alone, more beside the other suites
});
