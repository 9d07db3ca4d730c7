/**
 * Model-based test of KSM on a machine against a reference map of what each page holds: random writes, reads,
 * wake-ups of ksmd, page-outs and time. After every step each page reads its last write (a write gives the
 * writer a private copy and changes nothing another page reads), the machine's invariants hold (reference
 * count = mappers, no two shared frames with equal contents), no KSM page has more than maxPageSharing
 * mappers, and pages_shared / pages_sharing equal the shared frames and the mappers beyond one per frame,
 * counted from the pages themselves. An unstable-tree page that changed since it was inserted and were still
 * merged would make the machine throw. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { createRandom, PageState, time, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KsmSharing, ksm } from './ksm';

const PAGES = 6;

interface Reference {
  readonly content: Map<string, number>;
}

interface Real {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
  readonly engine: KsmSharing;
  /** When ksmd last ran: it owes a wake-up per sleep since, and one more. */
  readonly lastScan: { time: number };
}

const key = (v: number, ppn: number) => `${v}:${ppn}`;

function checkAll(model: Reference, { machine, vms, engine }: Real): void {
  checkInvariants(machine);
  const mappers = new Map<number, number>();
  vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(key(v, ppn)) ?? 0);
      const frame = machine.frameOf(vm, ppn);
      const onZeroFrame = frame === machine.zeroFrame && engine.options.useZeroPages;
      if (machine.pageState(vm, ppn) === PageState.Shared && !onZeroFrame) {
        mappers.set(frame!, (mappers.get(frame!) ?? 0) + 1);
      }
    }
  });
  const counts = [...mappers.values()];
  expect(Math.max(0, ...counts)).toBeLessThanOrEqual(engine.options.maxPageSharing);
  expect(engine.pagesShared).toBe(counts.length);
  expect(engine.pagesSharing).toBe(counts.reduce((sum, n) => sum + n - 1, 0));
}

const step = checkedCommands<Reference, Real>(checkAll);
const page = fc.record({ v: fc.nat(2), ppn: fc.nat(PAGES - 1) });

const commands = [
  fc.tuple(page, fc.nat(3)).map(([{ v, ppn }, content]) =>
    step(`write(${v},${ppn},${content})`, (model, { machine, vms }) => {
      machine.write(vms[v]!, ppn, content);
      model.content.set(key(v, ppn), content);
    }),
  ),
  page.map(({ v, ppn }) =>
    step(`read(${v},${ppn})`, (model, { machine, vms }) => {
      expect(machine.read(vms[v]!, ppn)).toBe(model.content.get(key(v, ppn)) ?? 0);
    }),
  ),
  fc.integer({ min: 1, max: 4 }).map((wakeUps) =>
    step(`ksmd sleeps ${wakeUps} times`, (_model, { machine, engine, lastScan }) => {
      const sleep = time.ms(engine.options.sleepMillisecs);
      machine.advanceTo(machine.now + wakeUps * sleep);
      const { scanned, shared } = engine.scan(0);
      const due = Math.floor((machine.now - lastScan.time) / sleep) + 1;
      lastScan.time = machine.now;
      expect(scanned).toBeLessThanOrEqual(due * engine.options.pagesToScan);
      expect(shared).toBeLessThanOrEqual(2 * scanned);
    }),
  ),
  page.map(({ v, ppn }) =>
    step(`swapOut(${v},${ppn})`, (_model, { machine, vms }) => {
      const vm = vms[v]!;
      const state = machine.pageState(vm, ppn);
      if (state === PageState.Private || state === PageState.Shared) machine.swapOut(vm, ppn);
    }),
  ),
  fc.constant(
    step('time passes', (_model, { machine }) => {
      machine.advanceTo(machine.now + 10_000_000);
    }),
  ),
];

const replayPath = process.env['FC_REPLAY_PATH'];

describe('KSM against a reference map', () => {
  it.each([
    { useZeroPages: false, maxPageSharing: 2 },
    { useZeroPages: true, maxPageSharing: 256 },
  ])(
    'keeps every page’s contents, the sharing invariants and the kernel’s counts (%o)',
    (options) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 80, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          fc.integer({ min: 1, max: 7 }),
          (cmds, pagesToScan) =>
            fc.modelRun(() => {
              const machine = createMachine({
                frames: 3 * PAGES + 8,
                swapSlots: 3 * PAGES,
                refCountLimit: 3,
              });
              const vms = [0, 1, 2].map(() => machine.addVm({ pages: PAGES }));
              const engine = ksm.create(
                { ...options, pagesToScan },
                { random: createRandom(0), emit: () => {} },
              ) as KsmSharing;
              engine.attach({ machine, remap: machine });
              return { model: { content: new Map() }, real: { machine, vms, engine, lastScan: { time: 0 } } };
            }, cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 150) },
      );
    },
    60_000,
  );
});
