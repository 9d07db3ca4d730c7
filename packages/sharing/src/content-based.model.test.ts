/**
 * Model-based test of content-based sharing on a machine against a reference map of what each page holds:
 * random writes, reads, scans, share-before-swap, page-outs and time, with the full hash and with 2 bits of it
 * (unequal pages collide all the time). After every step each page reads its last write (a write gives the
 * writer a private copy and changes nothing another page reads), and the machine's invariants hold: reference
 * count = mappers, no two shared frames with equal contents. A stale hint or a false match that shared
 * differing contents would make the machine throw. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { createRandom, PageState, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContentBasedSharing, contentBased } from './content-based';

const PAGES = 6;

interface Reference {
  readonly content: Map<string, number>;
}

interface Real {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
  readonly engine: ContentBasedSharing;
}

const key = (v: number, ppn: number) => `${v}:${ppn}`;

function checkAll(model: Reference, { machine, vms }: Real): void {
  checkInvariants(machine);
  vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(key(v, ppn)) ?? 0);
    }
  });
}

const step = checkedCommands<Reference, Real>(checkAll);
const page = fc.record({ v: fc.nat(2), ppn: fc.nat(PAGES - 1) });

const commands = [
  fc.tuple(page, fc.nat(4)).map(([{ v, ppn }, content]) =>
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

describe('content-based sharing against a reference map', () => {
  it.each([64, 2])(
    'keeps every page’s contents and the sharing invariants (%i hash bits)',
    (hashBits) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 80, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          fc.nat(),
          (cmds, seed) =>
            fc.modelRun(() => {
              const machine = createMachine({
                frames: 3 * PAGES + 8,
                swapSlots: 3 * PAGES,
                refCountLimit: 3,
              });
              const vms = [0, 1, 2].map(() => machine.addVm({ pages: PAGES }));
              const engine = contentBased.create(
                { hashBits },
                {
                  random: createRandom(seed),
                  emit: () => {},
                },
              ) as ContentBasedSharing;
              engine.attach({ machine, remap: machine });
              return { model: { content: new Map() }, real: { machine, vms, engine } };
            }, cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 150) },
      );
    },
    60_000,
  );
});
