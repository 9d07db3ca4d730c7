/**
 * Model-based test of KSM on a machine against a reference map of what each page holds: random writes, reads,
 * wake-ups of ksmd, page-outs and time. After every step each page reads its last write (a write gives the
 * writer a private copy and changes nothing another page reads), the machine's invariants hold (reference
 * count = mappers, no two shared frames with equal contents), no KSM page has more than maxPageSharing
 * mappers, and pages_shared / pages_sharing equal the shared frames and the mappers beyond one per frame,
 * counted from the pages themselves. An unstable-tree page that changed since it was inserted and were still
 * merged would make the machine throw. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { createRandom, PageState, time } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KsmSharing, ksm } from './ksm';
import {
  checkContents,
  commandSettings,
  memoryCommands,
  modelRuns,
  PAGES,
  type Reference,
  type SharingReal,
  sharingMachine,
} from './sharing-model.fixture';

interface Real extends SharingReal {
  readonly engine: KsmSharing;
  /** When ksmd last ran: it owes a wake-up per sleep since, and one more. */
  readonly lastScan: { time: number };
}

/** Contents and invariants, then the kernel's counts recounted from the pages themselves. */
function checkAll(model: Reference, real: Real): void {
  checkContents(model, real);
  const { machine, vms, engine } = real;
  const mappers = new Map<number, number>();
  for (const vm of vms) {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      const frame = machine.frameOf(vm, ppn);
      const onZeroFrame = frame === machine.zeroFrame && engine.options.useZeroPages;
      if (machine.pageState(vm, ppn) === PageState.Shared && !onZeroFrame) {
        mappers.set(frame!, (mappers.get(frame!) ?? 0) + 1);
      }
    }
  }
  const counts = [...mappers.values()];
  expect(Math.max(0, ...counts)).toBeLessThanOrEqual(engine.options.maxPageSharing);
  expect(engine.pagesShared).toBe(counts.length);
  expect(engine.pagesSharing).toBe(counts.reduce((sum, n) => sum + n - 1, 0));
}

const { step, commands: memory } = memoryCommands<Real>(checkAll, 3);

const commands = [
  ...memory,
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
];

describe('KSM against a reference map', () => {
  it.each([
    { useZeroPages: false, maxPageSharing: 2 },
    { useZeroPages: true, maxPageSharing: 256 },
  ])(
    'keeps every page’s contents, the sharing invariants and the kernel’s counts (%o)',
    (options) => {
      fc.assert(
        fc.property(
          fc.commands(commands, commandSettings()),
          fc.integer({ min: 1, max: 7 }),
          (cmds, pagesToScan) =>
            fc.modelRun(() => {
              const { machine, vms } = sharingMachine();
              const engine = ksm.create(
                { ...options, pagesToScan },
                { random: createRandom(0), emit: () => {} },
              ) as KsmSharing;
              engine.attach({ machine, remap: machine });
              return { model: { content: new Map() }, real: { machine, vms, engine, lastScan: { time: 0 } } };
            }, cmds),
        ),
        modelRuns(),
      );
    },
    60_000,
  );
});
