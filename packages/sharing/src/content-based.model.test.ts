/**
 * Model-based test of content-based sharing on a machine against a reference map of what each page holds:
 * random writes, reads, scans, share-before-swap, page-outs and time, with the full hash and with 2 bits of it
 * (unequal pages collide all the time). After every step each page reads its last write (a write gives the
 * writer a private copy and changes nothing another page reads), and the machine's invariants hold: reference
 * count = mappers, no two shared frames with equal contents. A stale hint or a false match that shared
 * differing contents would make the machine throw. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { createRandom, PageState } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContentBasedSharing, contentBased } from './content-based';
import {
  checkContents,
  commandSettings,
  memoryCommands,
  modelRuns,
  page,
  type SharingReal,
  sharingMachine,
} from './sharing-model.fixture';

interface Real extends SharingReal {
  readonly engine: ContentBasedSharing;
}

const { step, commands: memory } = memoryCommands<Real>(checkContents, 4);

const commands = [
  ...memory,
  fc.integer({ min: 1, max: 12 }).map((budget) =>
    step(`scan(${budget})`, (_model, { engine }) => {
      const { scanned, shared } = engine.scan(budget);
      expect(scanned).toBeLessThanOrEqual(budget);
      expect(shared).toBeLessThanOrEqual(2 * scanned);
    }),
  ),
  page.map(({ v, ppn }) =>
    step(`tryShare(${v},${ppn})`, (_model, { machine, vms, engine }) => {
      const vm = vms[v]!;
      const wasShared = machine.pageState(vm, ppn) === PageState.Shared;
      if (engine.tryShare(vm, ppn)) expect(machine.pageState(vm, ppn)).toBe(PageState.Shared);
      else expect(wasShared).toBe(false);
    }),
  ),
];

describe('content-based sharing against a reference map', () => {
  it.each([64, 2])(
    'keeps every page’s contents and the sharing invariants (%i hash bits)',
    (hashBits) => {
      fc.assert(
        fc.property(fc.commands(commands, commandSettings()), fc.nat(), (cmds, seed) =>
          fc.modelRun(() => {
            const { machine, vms } = sharingMachine();
            const engine = contentBased.create(
              { hashBits },
              { random: createRandom(seed), emit: () => {} },
            ) as ContentBasedSharing;
            engine.attach({ machine, remap: machine });
            return { model: { content: new Map() }, real: { machine, vms, engine } };
          }, cmds),
        ),
        modelRuns(),
      );
    },
    60_000,
  );
});
