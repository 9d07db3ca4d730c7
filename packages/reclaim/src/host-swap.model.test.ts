/**
 * Model-based test of host paging on a machine of two VMs, for every victim policy: random writes and reads,
 * page-outs of random sizes (each victim offered to a share-before-swap hook that maps zero pages onto the
 * zero frame), and time passing so swap writes complete. After every step each page reads back its last
 * write, and the machine's invariants hold (frames conserved, each VM's pages partitioned once, reference
 * counts equal to mappers). Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { createRandom, PageState, type ReclamationMechanism, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HostSwapOptions, hostSwap } from './host-swap';

const PAGES = 24;

interface Reference {
  readonly content: Map<string, number>;
}

interface Real {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
  readonly mechanism: ReclamationMechanism;
}

const key = (v: number, ppn: number) => `${v}:${ppn}`;

function checkAll(model: Reference, real: Real): void {
  checkInvariants(real.machine);
  real.vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(real.machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(key(v, ppn)) ?? 0);
    }
  });
}

const step = checkedCommands<Reference, Real>(checkAll);

const page = fc.record({ v: fc.nat(1), ppn: fc.nat(PAGES - 1) });

const commands = [
  fc.tuple(page, fc.nat(3)).map(([{ v, ppn }, content]) =>
    step(`write(${v},${ppn}, ${content})`, (model, { machine, vms }) => {
      machine.write(vms[v]!, ppn, content);
      model.content.set(key(v, ppn), content);
    }),
  ),
  page.map(({ v, ppn }) =>
    step(`read(${v},${ppn})`, (model, { machine, vms }) => {
      expect(machine.read(vms[v]!, ppn)).toBe(model.content.get(key(v, ppn)) ?? 0);
    }),
  ),
  fc.tuple(fc.nat(1), fc.nat(10)).map(([v, n]) =>
    step(`reclaim(${v}, ${n})`, (_model, { machine, vms, mechanism }) => {
      const before = machine.pagePartition(vms[v]!);
      const taken = mechanism.reclaim(vms[v]!, n);
      expect(taken).toBeLessThanOrEqual(Math.min(n, before.private));
      const after = machine.pagePartition(vms[v]!);
      // Every victim left its frame: written to swap, or shared by the hook.
      expect(before.private - after.private).toBe(taken);
    }),
  ),
  fc.constant(
    step('time passes', (_model, { machine }) => {
      machine.advanceTo(machine.now + 10_000_000);
    }),
  ),
];

const replayPath = process.env['FC_REPLAY_PATH'];

describe('host paging against a reference of page contents', () => {
  it.each(['random', 'fifo', 'clock', 'lru'] as const)(
    '%s victims never lose a page or double-count one',
    (victims: HostSwapOptions['victims']) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 80, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          (cmds) =>
            fc.modelRun(() => {
              const machine = createMachine({ frames: 40, swapSlots: 30 });
              const vms = [
                machine.addVm({ name: 'a', pages: PAGES }),
                machine.addVm({ name: 'b', pages: PAGES }),
              ];
              const mechanism = hostSwap.create({ victims }, { random: createRandom(1), emit: () => {} });
              mechanism.attach({
                machine,
                remap: machine,
                guest: () => undefined,
                traps: () => machine.traps,
                shareBeforeSwap: (vm, ppn) => {
                  if (machine.peek(vm, ppn) !== 0 || machine.pageState(vm, ppn) !== PageState.Private)
                    return false;
                  machine.shareWithFrame(vm, ppn, machine.zeroFrame);
                  return true;
                },
              });
              return { model: { content: new Map() }, real: { machine, vms, mechanism } };
            }, cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 100) },
      );
    },
    60_000,
  );
});
