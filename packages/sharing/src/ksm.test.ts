import { ContentStore, checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { createRandom, PAGE_SIZE, PageState, time, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type KsmSharing, ksm } from './ksm';

interface Setup {
  readonly machine: Machine;
  readonly a: VmId;
  readonly b: VmId;
  readonly engine: KsmSharing;
}

function setup(options: Record<string, unknown> = {}, contents?: ContentStore): Setup {
  const machine = createMachine({
    frames: 64,
    swapSlots: 16,
    ...(contents ? { contentStore: contents } : {}),
  });
  const [a, b] = [machine.addVm({ pages: 8 }), machine.addVm({ pages: 8 })];
  const engine = ksm.create(options, { random: createRandom(1), emit: () => {} }) as KsmSharing;
  engine.attach({ machine, remap: machine, ...(contents ? { contents } : {}) });
  return { machine, a, b, engine };
}

/** One wake-up of ksmd, then its sleep. */
function wake({ machine, engine }: Setup) {
  const result = engine.scan(0);
  machine.advanceTo(machine.now + time.ms(engine.options.sleepMillisecs));
  return result;
}

/** Wake-ups until the cursor has passed every VM once more. */
function fullPass(s: Setup): void {
  const passes = s.engine.fullScans;
  while (s.engine.fullScans === passes) wake(s);
}

const stateOf = ({ machine }: Setup, vm: VmId, ppn: number) => machine.pageState(vm, ppn);

describe('KSM', () => {
  it('merges two equal pages through the unstable tree on their second visit, into a new KSM page', () => {
    const s = setup();
    const { machine, a, b, engine } = s;
    machine.write(a, 1, 42);
    machine.write(b, 2, 42);
    fullPass(s); // checksums recorded
    expect([stateOf(s, a, 1), stateOf(s, b, 2)]).toEqual([PageState.Private, PageState.Private]);
    fullPass(s); // a's page into the unstable tree, b's matches it
    const frame = machine.frameOf(a, 1)!;
    expect(machine.frameOf(b, 2)).toBe(frame);
    expect(machine.refCount(frame)).toBe(2);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([1, 1]);
    checkInvariants(machine);
  });

  it('maps a page onto a KSM page with equal contents on its first visit (stable tree before the checksum)', () => {
    const s = setup();
    const { machine, a, b, engine } = s;
    machine.write(a, 1, 42);
    machine.write(b, 2, 42);
    fullPass(s);
    fullPass(s);
    machine.write(b, 5, 42);
    fullPass(s);
    expect(machine.frameOf(b, 5)).toBe(machine.frameOf(a, 1));
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([1, 2]);
  });

  it('does not merge a page whose checksum changed since its last visit, and merges it a pass later', () => {
    const s = setup();
    const { machine, a, b } = s;
    machine.write(a, 1, 42);
    machine.write(b, 2, 7);
    fullPass(s);
    machine.write(b, 2, 42); // changed since its checksum was recorded
    fullPass(s);
    expect(stateOf(s, b, 2)).toBe(PageState.Private);
    fullPass(s);
    expect(machine.frameOf(b, 2)).toBe(machine.frameOf(a, 1));
  });

  it('empties the unstable tree after a full pass: a page inserted last pass is not matched this pass', () => {
    const s = setup({ pagesToScan: 1 });
    const { machine, a, b } = s;
    machine.write(a, 0, 7);
    machine.write(b, 0, 42);
    fullPass(s);
    machine.write(a, 0, 42);
    fullPass(s); // a's checksum changed; b's page enters the unstable tree
    wake(s); // a's page: b's entry was dropped with the tree, so a's page is inserted, not merged
    expect(stateOf(s, a, 0)).toBe(PageState.Private);
    wake(s); // b's page finds a's
    expect(machine.frameOf(b, 0)).toBe(machine.frameOf(a, 0));
  });

  it('leaves a page unmerged when the KSM page already has maxPageSharing mappers', () => {
    const s = setup({ maxPageSharing: 2 });
    const { machine, a, b, engine } = s;
    machine.write(a, 1, 42);
    machine.write(a, 2, 42);
    machine.write(b, 1, 42);
    fullPass(s);
    fullPass(s);
    fullPass(s);
    expect(machine.refCount(machine.frameOf(a, 1)!)).toBe(2);
    expect(stateOf(s, b, 1)).toBe(PageState.Private);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([1, 1]);
  });

  it('drops a stale stable node whose mappers all wrote, and merges that content anew', () => {
    const s = setup();
    const { machine, a, b, engine } = s;
    machine.write(a, 1, 42);
    machine.write(b, 1, 42);
    fullPass(s);
    fullPass(s);
    machine.write(a, 1, 43);
    machine.write(b, 1, 44); // the KSM page is freed
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([0, 0]);
    machine.write(a, 3, 42);
    machine.write(b, 3, 42);
    fullPass(s);
    fullPass(s);
    expect(machine.frameOf(b, 3)).toBe(machine.frameOf(a, 3));
    expect(machine.pageState(a, 3)).toBe(PageState.Shared);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([1, 1]);
    checkInvariants(machine);
  });

  it('compares in full: a stale node whose frame became the KSM page of other contents merges nothing', () => {
    const s = setup();
    const { machine, a, b } = s;
    machine.write(a, 1, 42);
    machine.write(b, 1, 42);
    fullPass(s);
    fullPass(s);
    const frame = machine.frameOf(a, 1)!; // the node of 42
    machine.write(b, 1, 43);
    machine.write(a, 1, 44); // the last mapper keeps the frame, now private and holding 44
    machine.write(b, 5, 44);
    fullPass(s);
    fullPass(s);
    expect(machine.frameOf(b, 5)).toBe(frame); // the KSM page of 44, still under 42 in the stable tree
    machine.write(a, 3, 42);
    fullPass(s);
    expect(stateOf(s, a, 3)).toBe(PageState.Private);
    checkInvariants(machine);
  });

  it('reports pages_shared as KSM pages in use and pages_sharing as the mappers beyond one per KSM page', () => {
    const s = setup();
    const { machine, a, b, engine } = s;
    for (const ppn of [0, 1]) machine.write(a, ppn, 42);
    machine.write(b, 0, 42);
    for (const ppn of [2, 3]) machine.write(b, ppn, 43);
    fullPass(s);
    fullPass(s);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([2, 3]);
    machine.write(a, 0, 50);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([2, 2]);
    machine.write(b, 2, 51); // one page still maps the KSM page of 43: in use, saving nothing
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([2, 1]);
    machine.write(b, 3, 52);
    expect([engine.pagesShared, engine.pagesSharing]).toEqual([1, 1]);
  });

  it('merges zero pages as KSM pages, or with useZeroPages onto the zero frame outside pages_shared', () => {
    for (const useZeroPages of [false, true]) {
      const s = setup({ useZeroPages });
      const { machine, a, b, engine } = s;
      machine.write(a, 1, 0);
      machine.write(b, 1, 0);
      fullPass(s);
      expect(stateOf(s, a, 1)).toBe(PageState.Private); // both paths pass the checksum gate first
      fullPass(s);
      expect([machine.frameOf(a, 1), machine.frameOf(b, 1)]).toEqual([machine.zeroFrame, machine.zeroFrame]);
      expect([engine.pagesShared, engine.pagesSharing]).toEqual(useZeroPages ? [0, 0] : [1, 1]);
    }
  });

  it('examines pagesToScan resident pages every sleepMillisecs of simulated time, whatever the host budget', () => {
    const s = setup({ pagesToScan: 2 });
    const { machine, a, b, engine } = s;
    for (let ppn = 0; ppn < 8; ppn++) machine.write(a, ppn, 100 + ppn);
    machine.write(b, 0, 200);
    machine.advanceTo(time.ms(60)); // wake-ups due at 0, 20, 40 and 60 ms
    expect(engine.scan(1).scanned).toBe(8);
    expect(engine.scan(1000).scanned).toBe(0);
    machine.advanceTo(time.ms(80)); // b's one resident page, then the pass ends (b's 7 unbacked pages are free)
    expect(engine.scan(1)).toEqual({ scanned: 1, shared: 0 });
    expect(engine.fullScans).toBe(1);
  });

  it('merges equal real 4 KiB contents and never unequal ones', () => {
    const contents = new ContentStore();
    const s = setup({}, contents);
    const { machine, a, b } = s;
    const page = (byte: number) => contents.intern(new Uint8Array(PAGE_SIZE).fill(byte));
    machine.write(a, 0, page(1));
    machine.write(b, 0, page(1));
    machine.write(b, 1, page(2));
    fullPass(s);
    fullPass(s);
    expect(machine.frameOf(b, 0)).toBe(machine.frameOf(a, 0));
    expect(stateOf(s, b, 1)).toBe(PageState.Private);
  });
});
