import { ContentStore, checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, PAGE_SIZE, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type ContentBasedSharing, contentBased } from './content-based';

function setup(options: Record<string, unknown> = {}, contents?: ContentStore) {
  const machine = createMachine({
    frames: 64,
    swapSlots: 16,
    ...(contents ? { contentStore: contents } : {}),
  });
  const vms = [machine.addVm({ pages: 8 }), machine.addVm({ pages: 8 })];
  const engine = contentBased.create(options, {
    random: createRandom(1),
    emit: () => {},
  }) as ContentBasedSharing;
  engine.attach({ machine, remap: machine, ...(contents ? { contents } : {}) });
  return { machine, vms, engine };
}

/** Shares as the scanner would on visiting these pages in order (share-before-swap's path). */
const visit = (engine: ContentBasedSharing, pages: [VmId, number][]) =>
  pages.map(([vm, ppn]) => engine.tryShare(vm, ppn));

describe('content-based sharing', () => {
  it('hints a page on its first visit, shares on a full match, and maps later equal pages onto the frame', () => {
    const { machine, vms, engine } = setup();
    const [a, b] = vms as [VmId, VmId];
    machine.write(a, 1, 42);
    machine.write(b, 2, 42);
    machine.write(b, 3, 42);
    expect(visit(engine, [[a, 1]])).toEqual([false]);
    expect(engine.entries).toBe(1);
    expect(visit(engine, [[b, 2]])).toEqual([true]);
    const frame = machine.frameOf(a, 1)!;
    expect(machine.frameOf(b, 2)).toBe(frame);
    expect(machine.refCount(frame)).toBe(2);
    expect(visit(engine, [[b, 3]])).toEqual([true]);
    expect(machine.refCount(frame)).toBe(3);
    expect(engine.entries).toBe(1);
    checkInvariants(machine);
  });

  it('maps a zero page onto the host’s zero frame', () => {
    const { machine, vms, engine } = setup();
    machine.write(vms[0]!, 0, 0);
    expect(visit(engine, [[vms[0]!, 0]])).toEqual([true]);
    expect(machine.frameOf(vms[0]!, 0)).toBe(machine.zeroFrame);
    expect(engine.entries).toBe(0);
  });

  it('drops a stale hint: a hinted page that changed is rehashed, and the new page takes its place', () => {
    const { machine, vms, engine } = setup();
    const [a, b] = vms as [VmId, VmId];
    machine.write(a, 1, 42);
    visit(engine, [[a, 1]]);
    machine.write(a, 1, 43); // the hinted page changes
    machine.write(b, 1, 42);
    expect(visit(engine, [[b, 1]])).toEqual([false]);
    expect(engine.staleHints).toBe(1);
    machine.write(a, 2, 42);
    expect(visit(engine, [[a, 2]])).toEqual([true]); // b's page is the hint now
    expect(machine.frameOf(a, 2)).toBe(machine.frameOf(b, 1));
    expect(machine.peek(a, 1)).toBe(43);
  });

  it('never shares on a false match: with 1 hash bit unequal pages collide and the full compare refuses', () => {
    const { machine, vms, engine } = setup({ hashBits: 1 });
    const [a, b] = vms as [VmId, VmId];
    for (let ppn = 0; ppn < 8; ppn++) {
      machine.write(a, ppn, 100 + ppn);
      machine.write(b, ppn, 200 + ppn);
    }
    for (let ppn = 0; ppn < 8; ppn++)
      visit(engine, [
        [a, ppn],
        [b, ppn],
      ]);
    expect(engine.falseMatches).toBeGreaterThan(0);
    expect(machine.pagePartition(a).shared + machine.pagePartition(b).shared).toBe(0);
    checkInvariants(machine);
  });

  it('replaces a shared-frame entry whose last mapper left with a hint', () => {
    const { machine, vms, engine } = setup();
    const [a, b] = vms as [VmId, VmId];
    machine.write(a, 1, 42);
    machine.write(b, 1, 42);
    visit(engine, [
      [a, 1],
      [b, 1],
    ]);
    machine.write(a, 1, 1); // both leave the frame: copy-on-write, then the last mapper keeps it private
    machine.write(b, 1, 2);
    machine.write(a, 3, 42);
    expect(visit(engine, [[a, 3]])).toEqual([false]);
    machine.write(b, 3, 42);
    expect(visit(engine, [[b, 3]])).toEqual([true]);
    checkInvariants(machine);
  });

  it('hashes real bytes when the host holds them: pages equal in bytes share', () => {
    const store = new ContentStore();
    const page = new Uint8Array(PAGE_SIZE).fill(7);
    const content = store.intern(page);
    const { machine, vms, engine } = setup({}, store);
    machine.write(vms[0]!, 4, content);
    machine.write(vms[1]!, 5, content);
    expect(
      visit(engine, [
        [vms[0]!, 4],
        [vms[1]!, 5],
      ]),
    ).toEqual([false, true]);
  });

  it('scans at most the budget host-wide and `vmBudget` of one VM, at random, VMs in turn', () => {
    const { machine, vms, engine } = setup({ vmBudget: 3 });
    for (const vm of vms) for (let ppn = 0; ppn < 8; ppn++) machine.write(vm, ppn, 7);
    const first = engine.scan(100);
    expect(first.scanned).toBe(6);
    const second = engine.scan(2);
    expect(second.scanned).toBe(2);
    let shared = first.shared + second.shared;
    for (let i = 0; i < 50; i++) shared += engine.scan(4).shared;
    // Every page ends on one frame: 16 pages, the first hinted and then shared with the second.
    expect(shared).toBe(16);
    expect(machine.pagePartition(vms[0]!).shared + machine.pagePartition(vms[1]!).shared).toBe(16);
    checkInvariants(machine);
  });

  it('names a bad option by its field', () => {
    const context = { random: createRandom(1), emit: () => {} };
    expect(() => contentBased.create({ hashBits: 65 }, context)).toThrow(/hashBits/);
    expect(() => contentBased.create({ vmBudget: 0 }, context)).toThrow(/vmBudget/);
  });
});
