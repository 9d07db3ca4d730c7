import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import {
  accessOp,
  addBlock,
  type BlockRead,
  type CreditsSharers,
  createBlockRead,
  createRandom,
  FrameState,
  GuestPageUsage,
  type MachineView,
  PageState,
  type Ppn,
  type RemapApi,
  type VmId,
} from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SatoriSharing, satori } from './satori';

/** What block `block` of an image holds on the disk (never the zero page's contents, but block 0 of 'zero'). */
const blockContent = (block: number, image = 'debian'): number =>
  image === 'zero' && block === 0 ? 0 : (image === 'debian' ? 100 : 200) + block;

function setup() {
  const machine = createMachine({ frames: 64, swapSlots: 16 });
  const vms = [0, 1, 2, 3].map(() => machine.addVm({ pages: 8 })) as [VmId, VmId, VmId, VmId];
  const engine = satori.create({}, { random: createRandom(1), emit: () => {} }) as SatoriSharing;
  engine.attach({ machine, remap: machine });
  /** The guest asks the device for block `b` into page `ppn` of `vm`, a request of one page: true when shared. */
  const ask = (vm: VmId, ppn: Ppn, b: number, image = 'debian') =>
    engine.readShared(vm, requestOf([{ ppn, image, block: b }])) === 1;
  /** The guest's fill: the device first, the disk's DMA when it says no (the page is then the source). */
  const fill = (vm: VmId, ppn: Ppn, b: number, image = 'debian') => {
    if (ask(vm, ppn, b, image)) return true;
    machine.deviceWrite(vm, ppn, blockContent(b, image));
    return false;
  };
  return { machine, vms, engine, ask, fill };
}

/** A read request of the pages, each filled with its block as the disk holds it. */
function requestOf(pages: readonly { ppn: Ppn; image: string; block: number }[]): BlockRead {
  const read = createBlockRead(pages.length);
  for (const { ppn, image, block } of pages) addBlock(read, ppn, image, block, blockContent(block, image));
  return read;
}

/** Frames saved by sharing: Σ (refCount − 1) over the shared frames but the zero page. */
function framesSaved(machine: Machine): number {
  let saved = 0;
  for (let mpn = 0; mpn < machine.totalFrames; mpn++) {
    if (mpn !== machine.zeroFrame && machine.frameState(mpn) === FrameState.Shared)
      saved += machine.refCount(mpn) - 1;
  }
  return saved;
}

const credits = (engine: CreditsSharers, vms: readonly VmId[]) => vms.map((vm) => engine.credit(vm));
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('Satori: the sharing-aware block device', () => {
  it('sends the first read of a block to the disk, and shares nothing', () => {
    const { machine, vms, engine, ask } = setup();
    const free = machine.freeFrames;
    expect(ask(vms[0], 1, 5)).toBe(false);
    expect(machine.pageState(vms[0], 1)).toBe(PageState.Unbacked);
    expect(machine.freeFrames).toBe(free);
    expect(framesSaved(machine)).toBe(0);
    expect(engine.sharedReads).toBe(0);
    expect(engine.staleHandles).toBe(0);
  });

  it('serves a block read from the disk to a second VM by mapping its page onto the source’s frame, allocating nothing', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b] = vms;
    fill(a, 1, 5);
    const frame = machine.frameOf(a, 1)!;
    expect(machine.pageState(a, 1)).toBe(PageState.Private);
    const free = machine.freeFrames;
    expect(ask(b, 3, 5)).toBe(true);
    expect(machine.pageState(b, 3)).toBe(PageState.Shared);
    expect(machine.frameOf(b, 3)).toBe(frame);
    expect(machine.frameOf(a, 1)).toBe(frame);
    expect(machine.refCount(frame)).toBe(2);
    expect(machine.read(b, 3)).toBe(blockContent(5));
    expect(machine.freeFrames).toBe(free);
    expect(engine.sharedReads).toBe(1);
    checkInvariants(machine);
  });

  it('frees the frame a reader’s page held, and maps a third reader onto the same frame', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    const frame = machine.frameOf(a, 1)!;
    expect(ask(b, 3, 5)).toBe(true);
    machine.write(c, 0, 9); // c's page has a private frame before the read
    const free = machine.freeFrames;
    expect(ask(c, 0, 5)).toBe(true);
    expect(machine.frameOf(c, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(3);
    expect(machine.read(c, 0)).toBe(blockContent(5));
    expect(machine.freeFrames).toBe(free + 1);
    expect(engine.sharedReads).toBe(2);
    checkInvariants(machine);
  });

  it('finds a source on any VM, whatever order the device first saw them in', () => {
    const { machine, vms, ask, fill } = setup();
    const [a, b, c, d] = vms;
    fill(d, 7, 4); // d, then b, then a take their runs of page numbers
    fill(b, 3, 5);
    fill(a, 0, 6);
    expect(ask(c, 1, 6)).toBe(true);
    expect(machine.frameOf(c, 1)).toBe(machine.frameOf(a, 0));
    expect(ask(c, 2, 5)).toBe(true);
    expect(machine.frameOf(c, 2)).toBe(machine.frameOf(b, 3));
    expect(ask(c, 3, 4)).toBe(true);
    expect(machine.frameOf(c, 3)).toBe(machine.frameOf(d, 7));
  });

  it('keys blocks by image: the same block number of another image is not shared', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5, 'debian');
    expect(ask(vms[1], 1, 5, 'windows')).toBe(false);
    expect(machine.pageState(vms[1], 1)).toBe(PageState.Unbacked);
    expect(engine.sharedReads).toBe(0);
    // Each image's block is its own: both are served once read from the disk.
    fill(vms[1], 1, 5, 'windows');
    expect(ask(vms[2], 1, 5, 'windows')).toBe(true);
    expect(machine.read(vms[2], 1)).toBe(blockContent(5, 'windows'));
    expect(ask(vms[3], 1, 5, 'debian')).toBe(true);
    expect(machine.read(vms[3], 1)).toBe(blockContent(5, 'debian'));
  });
});

describe('Satori: a read request', () => {
  it('shares each page it can, leaves the others to the disk as their blocks’ sources, and counts what it filled', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    fill(a, 2, 6);
    machine.write(a, 2, 9); // block 6's handle is stale now
    const pages = [
      { ppn: 0, image: 'debian', block: 5 },
      { ppn: 3, image: 'debian', block: 6 },
      { ppn: 4, image: 'debian', block: 7 },
    ];
    const read = requestOf(pages);
    expect(engine.readShared(b, read)).toBe(1);
    expect(Array.from(read.shared)).toEqual([1, 0, 0]);
    expect(machine.frameOf(b, 0)).toBe(machine.frameOf(a, 1));
    expect(engine.staleHandles).toBe(1);
    for (const { ppn, block } of pages.slice(1)) machine.deviceWrite(b, ppn, blockContent(block));
    // The disk's pages are the sources now.
    expect(ask(c, 6, 6)).toBe(true);
    expect(ask(c, 7, 7)).toBe(true);
    expect(machine.frameOf(c, 7)).toBe(machine.frameOf(b, 4));
    checkInvariants(machine);
  });

  it('marks afresh a request object used again: only this request’s shared pages', () => {
    const { vms, engine, fill } = setup();
    const [a, b] = vms;
    fill(a, 1, 5);
    fill(a, 2, 6);
    const read = requestOf([
      { ppn: 0, image: 'debian', block: 5 },
      { ppn: 3, image: 'debian', block: 7 },
    ]);
    expect(engine.readShared(b, read)).toBe(1);
    expect(Array.from(read.shared)).toEqual([1, 0]);
    read.length = 0;
    addBlock(read, 4, 'debian', 7, blockContent(7)); // block 7 has no page in memory: the disk reads it
    addBlock(read, 5, 'debian', 6, blockContent(6));
    expect(engine.readShared(b, read)).toBe(1);
    expect(Array.from(read.shared)).toEqual([0, 1]);
  });
});

describe('Satori: stale handles', () => {
  it('refuses a block whose source page was written since, and drops the handle', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    machine.write(a, 1, 9);
    expect(fill(b, 3, 5)).toBe(false);
    expect(machine.pageState(b, 3)).toBe(PageState.Private);
    expect(machine.read(a, 1)).toBe(9);
    expect(engine.staleHandles).toBe(1);
    expect(engine.sharedReads).toBe(0);
    // Dropped, not merely stale: b's page, which went to the disk, is the source now, even with the block's
    // contents back in a's page.
    machine.write(a, 1, blockContent(5));
    expect(ask(c, 2, 5)).toBe(true);
    expect(machine.frameOf(c, 2)).toBe(machine.frameOf(b, 3));
    expect(machine.pageState(a, 1)).toBe(PageState.Private);
  });

  it('refuses a block whose source page was swapped out', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    machine.swapOut(vms[0], 1);
    expect(ask(vms[1], 3, 5)).toBe(false);
    expect(machine.pageState(vms[1], 3)).toBe(PageState.Unbacked);
    expect(engine.staleHandles).toBe(1);
    checkInvariants(machine);
  });

  it('refuses a block whose source page the host evicted (a volatile page, discarded)', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    machine.setPageUsage(vms[0], 1, GuestPageUsage.Volatile);
    expect(machine.evict(vms[0], 1)).toBe('discarded');
    expect(ask(vms[1], 3, 5)).toBe(false);
    expect(engine.staleHandles).toBe(1);
    checkInvariants(machine);
  });

  it('refuses a block whose source page the VM reused for another block', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    fill(vms[0], 1, 6);
    expect(ask(vms[1], 3, 5)).toBe(false);
    expect(engine.staleHandles).toBe(1);
    expect(ask(vms[1], 3, 6)).toBe(true);
    expect(machine.read(vms[1], 3)).toBe(blockContent(6));
  });

  it('refuses a block whose source page, of the reader’s own VM, it filled with another block since', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    fill(vms[0], 1, 6);
    expect(ask(vms[0], 2, 5)).toBe(false);
    expect(engine.staleHandles).toBe(1);
    expect(ask(vms[0], 3, 6)).toBe(true);
    expect(machine.frameOf(vms[0], 3)).toBe(machine.frameOf(vms[0], 1));
  });

  it('refuses a VM whose pages would take its page numbering past 31 bits, naming the VM', () => {
    const engine = satori.create({}, { random: createRandom(1), emit: () => {} }) as SatoriSharing;
    const machine = { pageCount: () => 2 ** 31 } as unknown as MachineView;
    engine.attach({ machine, remap: {} as RemapApi });
    expect(() => engine.readShared(3 as VmId, requestOf([{ ppn: 0, image: 'debian', block: 0 }]))).toThrow(
      /vm 3's 2147483648 pages/,
    );
  });

  it('refuses to read a block into its own source page', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    const frame = machine.frameOf(vms[0], 1);
    expect(ask(vms[0], 1, 5)).toBe(false);
    expect(machine.pageState(vms[0], 1)).toBe(PageState.Private);
    expect(machine.frameOf(vms[0], 1)).toBe(frame);
    expect(engine.sharedReads).toBe(0);
    checkInvariants(machine);
  });

  it('shares another page of the source’s own VM', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    expect(ask(vms[0], 2, 5)).toBe(true);
    expect(machine.frameOf(vms[0], 2)).toBe(machine.frameOf(vms[0], 1));
    expect(engine.entitlement(vms[0])).toBe(1);
    checkInvariants(machine);
  });
});

describe('Satori: copy-on-write', () => {
  it('gives a writer to a shared block a private copy, and leaves what the others read unchanged', () => {
    const { machine, vms, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    ask(b, 3, 5);
    ask(c, 0, 5);
    const frame = machine.frameOf(a, 1)!;
    machine.write(b, 3, 9);
    expect(machine.pageState(b, 3)).toBe(PageState.Private);
    expect(machine.frameOf(b, 3)).not.toBe(frame);
    expect(machine.read(b, 3)).toBe(9);
    expect(machine.read(a, 1)).toBe(blockContent(5));
    expect(machine.read(c, 0)).toBe(blockContent(5));
    expect(machine.refCount(frame)).toBe(2);
    // The source's page is untouched: its handle still serves the block.
    expect(ask(vms[3], 4, 5)).toBe(true);
    expect(machine.frameOf(vms[3], 4)).toBe(frame);
    checkInvariants(machine);
  });
});

describe('Satori: entitlements', () => {
  it('credits each of k mappers of a frame (k − 1)/k, summing to the frames saved', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c, d] = vms;
    fill(a, 1, 5);
    ask(b, 3, 5);
    expect(credits(engine, vms)).toEqual([1 / 2, 1 / 2, 0, 0]);
    ask(c, 0, 5);
    const [ca, cb, cc, cd] = credits(engine, vms);
    for (const credit of [ca, cb, cc]) expect(credit).toBeCloseTo(2 / 3, 12);
    expect(cd).toBe(0);
    expect(sum(credits(engine, vms))).toBeCloseTo(framesSaved(machine), 12);
    expect(framesSaved(machine)).toBe(2);
    // Another frame, mapped by a and d: a's credit adds up over its pages.
    fill(d, 6, 7);
    ask(a, 2, 7);
    expect(engine.entitlement(a)).toBeCloseTo(2 / 3 + 1 / 2, 12);
    expect(engine.entitlement(d)).toBe(1 / 2);
    expect(sum(credits(engine, vms))).toBeCloseTo(framesSaved(machine), 12);
  });

  it('credits nothing to a VM that shares nothing, though it read from the disk', () => {
    const { vms, engine, fill } = setup();
    expect(engine.entitlement(vms[0])).toBe(0); // never seen
    fill(vms[0], 1, 5);
    fill(vms[0], 2, 6);
    expect(engine.entitlement(vms[0])).toBe(0);
  });

  it('takes a writer’s credit when it breaks its share, and recomputes the others’', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    ask(b, 3, 5);
    ask(c, 0, 5);
    machine.write(b, 3, 9);
    expect(credits(engine, vms)).toEqual([1 / 2, 0, 1 / 2, 0]);
    expect(sum(credits(engine, vms))).toBe(framesSaved(machine));
  });

  it('drops a page that left the frame: swapped out, its VM’s credit falls', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b, c] = vms;
    fill(a, 1, 5);
    ask(b, 3, 5);
    ask(c, 0, 5);
    machine.swapOut(c, 0);
    expect(credits(engine, vms)).toEqual([1 / 2, 1 / 2, 0, 0]);
    machine.swapOut(b, 3);
    // The last mapper saves nothing: a frame of its own.
    expect(credits(engine, vms)).toEqual([0, 0, 0, 0]);
    expect(framesSaved(machine)).toBe(0);
    // Back in, the page has a private frame: still no credit.
    machine.swapIn(c, 0);
    expect(engine.entitlement(c)).toBe(0);
    checkInvariants(machine);
  });

  it('counts a page that left and rejoined a shared frame once', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b] = vms;
    fill(a, 1, 5);
    ask(b, 3, 5);
    machine.write(b, 3, 9);
    expect(engine.entitlement(b)).toBe(0);
    ask(b, 3, 5);
    expect(engine.entitlement(b)).toBe(1 / 2);
    machine.write(b, 3, 9);
    ask(b, 3, 5); // no entitlement in between: the page is still listed
    expect(credits(engine, vms)).toEqual([1 / 2, 1 / 2, 0, 0]);
  });

  it('credits nothing for pages on the zero page (no frame of a VM’s was saved)', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 0, 'zero');
    expect(ask(vms[1], 1, 0, 'zero')).toBe(true);
    expect(machine.frameOf(vms[1], 1)).toBe(machine.zeroFrame);
    expect(credits(engine, vms)).toEqual([0, 0, 0, 0]);
    checkInvariants(machine);
  });

  it('credits nothing to a VM powered off', () => {
    const { machine, vms, engine, ask, fill } = setup();
    fill(vms[0], 1, 5);
    ask(vms[1], 3, 5);
    machine.removeVm(vms[1]);
    expect(engine.entitlement(vms[1])).toBe(0);
    expect(engine.entitlement(vms[0])).toBe(0);
    expect(ask(vms[2], 3, 5)).toBe(true);
  });
});

describe('Satori: repayment', () => {
  /** VM a fills pages from the disk in the order given (not page order), each then made volatile. */
  const filled = (order: readonly Ppn[]) => {
    const s = setup();
    const a = s.vms[0];
    for (const ppn of order) {
      s.fill(a, ppn, 10 + ppn);
      s.machine.setPageUsage(a, ppn, GuestPageUsage.Volatile);
    }
    return { ...s, a };
  };
  const discarded = (machine: Machine, vm: VmId) =>
    [...Array(machine.pageCount(vm)).keys()].filter(
      (ppn) => machine.pageState(vm, ppn) === PageState.Discarded,
    );

  it('discards the oldest filled volatile pages first, never more than asked', () => {
    const { machine, engine, a } = filled([4, 0, 6, 2]);
    expect(engine.repay(a, 1)).toBe(1);
    expect(discarded(machine, a)).toEqual([4]);
    expect(engine.repay(a, 2)).toBe(2);
    expect(discarded(machine, a)).toEqual([0, 4, 6]);
    expect(engine.repaid).toBe(3);
    expect(engine.repay(a, 0)).toBe(0);
    expect(discarded(machine, a)).toEqual([0, 4, 6]);
    checkInvariants(machine);
  });

  it('returns what it took when the FIFO runs out', () => {
    const { machine, vms, engine, a } = filled([3, 1]);
    expect(engine.repay(a, 5)).toBe(2);
    expect(engine.repay(a, 5)).toBe(0);
    expect(engine.repaid).toBe(2);
    expect(discarded(machine, a)).toEqual([1, 3]);
    expect(engine.repay(vms[3], 5)).toBe(0); // a VM the device never filled
  });

  it('lists pages filled by shared reads too, in fill order', () => {
    const { machine, vms, engine, ask, fill } = setup();
    const [a, b] = vms;
    fill(a, 0, 5);
    fill(b, 2, 7);
    expect(ask(b, 5, 5)).toBe(true);
    fill(b, 1, 8);
    for (const ppn of [2, 5, 1]) machine.setPageUsage(b, ppn, GuestPageUsage.Volatile);
    machine.breakShare(b, 5); // a private copy now (a write fault's)
    expect(engine.repay(b, 1)).toBe(1);
    expect(discarded(machine, b)).toEqual([2]);
    expect(engine.repay(b, 1)).toBe(1);
    expect(discarded(machine, b)).toEqual([2, 5]);
    expect(engine.repay(b, 1)).toBe(1);
    expect(discarded(machine, b)).toEqual([1, 2, 5]);
    expect(discarded(machine, a)).toEqual([]); // another VM's memory is never taken
    checkInvariants(machine);
  });

  it('passes over pages no longer volatile, and pages that are not private', () => {
    const { machine, vms, engine, ask, a } = filled([0, 1, 2, 3, 4]);
    machine.setPageUsage(a, 0, GuestPageUsage.Stable); // the guest reused it
    expect(ask(vms[1], 0, 11)).toBe(true); // page 1 is shared now
    machine.setPageUsage(a, 2, GuestPageUsage.Stable); // only a stable page is swapped out
    machine.swapOut(a, 2);
    expect(engine.repay(a, 1)).toBe(1);
    expect(discarded(machine, a)).toEqual([3]);
    expect(machine.pageState(a, 0)).toBe(PageState.Private);
    expect(machine.pageState(a, 1)).toBe(PageState.Shared);
    expect(machine.pageState(a, 2)).toBe(PageState.Swapped);
    expect(engine.repay(a, 10)).toBe(1);
    expect(discarded(machine, a)).toEqual([3, 4]);
    expect(engine.repaid).toBe(2);
    checkInvariants(machine);
  });

  it('takes nothing when no listed page is volatile and private', () => {
    const { machine, vms, engine, ask, a } = filled([0, 1]);
    machine.setPageUsage(a, 0, GuestPageUsage.Stable);
    expect(ask(vms[1], 0, 11)).toBe(true);
    expect(engine.repay(a, 2)).toBe(0);
    expect(engine.repaid).toBe(0);
    expect(discarded(machine, a)).toEqual([]);
  });

  it('leaves a discarded page to raise a discard fault, after which the guest re-reads it', () => {
    const { machine, engine, a } = filled([2, 3]);
    expect(engine.repay(a, 1)).toBe(1);
    expect(machine.peek(a, 2)).toBeUndefined();
    const ops = Uint32Array.of(accessOp(2, false), accessOp(3, false));
    const none = new Float64Array(2);
    expect(machine.accessBatch(a, ops, none, 2)).toBe(0);
    machine.deviceWrite(a, 2, blockContent(12));
    expect(machine.accessBatch(a, ops, none, 2, 0)).toBe(2);
    expect(machine.peek(a, 2)).toBe(blockContent(12));
    expect(machine.peek(a, 3)).toBe(blockContent(13));
    expect(machine.counters(a).discardFaults).toBe(1);
    checkInvariants(machine);
  });
});

const PAGES = 6;
const VMS = 4;
const IMAGES = ['debian', 'zero'] as const;

/** A page of a read request: its image (an index into IMAGES) and block. */
interface FillPage {
  ppn: number;
  image: number;
  block: number;
}

type Step =
  | { kind: 'fill'; v: number; pages: FillPage[] }
  | { kind: 'write'; v: number; ppn: number; content: number }
  | { kind: 'evict'; v: number; ppn: number }
  | { kind: 'touch'; v: number; ppn: number }
  | { kind: 'repay'; v: number; pages: number };

const page = { v: fc.nat(VMS - 1), ppn: fc.nat(PAGES - 1) };
/** A read request: a few pages of one VM, each of its own block. */
const fill = fc.record({
  kind: fc.constant('fill' as const),
  v: page.v,
  pages: fc.uniqueArray(fc.record({ ppn: page.ppn, image: fc.nat(1), block: fc.nat(3) }), {
    minLength: 1,
    maxLength: 3,
    comparator: (a, b) => a.ppn === b.ppn || (a.image === b.image && a.block === b.block),
  }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  fill,
  fill,
  // Written contents collide with blocks' (and the zero page's), so handles are checked by contents too.
  fc.record({ kind: fc.constant('write' as const), ...page, content: fc.constantFrom(0, 9, 100, 101, 201) }),
  fc.record({ kind: fc.constant('evict' as const), ...page }),
  fc.record({ kind: fc.constant('touch' as const), ...page }),
  fc.record({ kind: fc.constant('repay' as const), v: page.v, pages: fc.nat(3) }),
);

describe('Satori against a reference map', () => {
  it('keeps every page’s contents, the machine’s invariants and credits equal to the frames saved', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80, size: 'max' }), (steps) => {
        const machine = createMachine({ frames: VMS * PAGES + 8, swapSlots: VMS * PAGES });
        const vms = Array.from({ length: VMS }, () => machine.addVm({ pages: PAGES }));
        const engine = satori.create({}, { random: createRandom(0), emit: () => {} }) as SatoriSharing;
        engine.attach({ machine, remap: machine });
        const key = (v: number, ppn: number) => v * PAGES + ppn;
        /** What each page holds, and the block a volatile cache page holds (the guest re-reads it). */
        const content = new Map<number, number>();
        const cached = new Map<number, { image: string; block: number }>();
        /**
         * The guest's read request filling cache pages: the device first, the disk for the pages it did not
         * fill; then the pages are volatile.
         */
        const fill = (v: number, pages: readonly { ppn: number; image: string; block: number }[]) => {
          const vm = vms[v]!;
          // Allocated, stable while they are filled.
          for (const { ppn } of pages) machine.setPageUsage(vm, ppn, GuestPageUsage.Stable);
          const read = requestOf(pages);
          const served = engine.readShared(vm, read);
          let marked = 0;
          pages.forEach(({ ppn, image, block }, i) => {
            const expected = blockContent(block, image);
            if (served > 0 && read.shared[i] === 1) {
              marked++;
              expect(machine.pageState(vm, ppn)).toBe(PageState.Shared);
            } else {
              machine.deviceWrite(vm, ppn, expected);
            }
            expect(machine.peek(vm, ppn)).toBe(expected);
            machine.setPageUsage(vm, ppn, GuestPageUsage.Volatile);
            content.set(key(v, ppn), expected);
            cached.set(key(v, ppn), { image, block });
          });
          expect(marked).toBe(served);
        };
        const discarded = () =>
          vms.flatMap((vm, v) =>
            [...Array(PAGES).keys()]
              .filter((ppn) => machine.pageState(vm, ppn) === PageState.Discarded)
              .map((ppn) => key(v, ppn)),
          );

        for (const s of steps) {
          const vm = vms[s.v]!;
          if (s.kind === 'fill')
            fill(
              s.v,
              s.pages.map((p) => ({ ...p, image: IMAGES[p.image]! })),
            );
          else if (s.kind === 'write') {
            machine.setPageUsage(vm, s.ppn, GuestPageUsage.Stable);
            machine.write(vm, s.ppn, s.content);
            content.set(key(s.v, s.ppn), s.content);
            cached.delete(key(s.v, s.ppn));
          } else if (s.kind === 'evict') {
            const state = machine.pageState(vm, s.ppn);
            if (state === PageState.Private || state === PageState.Shared) machine.evict(vm, s.ppn);
          } else if (s.kind === 'touch') {
            // A read as the guest makes it: a discard fault stops it; the guest re-reads the page, restarts.
            const ops = Uint32Array.of(accessOp(s.ppn, false));
            const none = new Float64Array(1);
            if (machine.accessBatch(vm, ops, none, 1) === 0) {
              fill(s.v, [{ ppn: s.ppn, ...cached.get(key(s.v, s.ppn))! }]);
              expect(machine.accessBatch(vm, ops, none, 1, 0)).toBe(1);
            }
            expect(machine.peek(vm, s.ppn)).toBe(content.get(key(s.v, s.ppn)) ?? 0);
          } else {
            const before = new Set(discarded());
            const taken = engine.repay(vm, s.pages);
            expect(taken).toBeLessThanOrEqual(s.pages);
            const fresh = discarded().filter((k) => !before.has(k));
            expect(fresh.length).toBe(taken);
            for (const k of fresh) expect(Math.floor(k / PAGES)).toBe(s.v);
          }

          checkInvariants(machine);
          vms.forEach((vm, v) => {
            for (let ppn = 0; ppn < PAGES; ppn++) {
              const k = key(v, ppn);
              if (machine.pageState(vm, ppn) === PageState.Discarded) expect(cached.has(k)).toBe(true);
              else expect(machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(content.get(k) ?? 0);
            }
          });
          const credit = credits(engine, vms);
          expect(Math.abs(sum(credit) - framesSaved(machine))).toBeLessThan(1e-9);
          vms.forEach((vm, v) => {
            const sharing = [...Array(PAGES).keys()].some(
              (ppn) =>
                machine.pageState(vm, ppn) === PageState.Shared &&
                machine.frameOf(vm, ppn) !== machine.zeroFrame,
            );
            if (!sharing) expect(credit[v]).toBe(0);
          });
        }
      }),
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 150) },
    );
  }, 60_000);
});
