/**
 * Model-based test of host paging on a machine of two VMs, for every victim policy: random writes and reads,
 * page-outs of random sizes (each victim offered to a share-before-swap hook that maps zero pages onto the
 * zero frame), and time passing so swap writes complete. After every step each page reads back its last
 * write, and the machine's invariants hold (frames conserved, each VM's pages partitioned once, reference
 * counts equal to mappers). Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { createRandom, type ReclamationMechanism } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HostSwapOptions, hostSwap } from './host-swap';
import {
  checkContents,
  commandSettings,
  type PagingReal,
  pagingCommands,
  pagingMachine,
  zeroPageShare,
} from './paging-model.fixture';

interface Real extends PagingReal {
  readonly mechanism: ReclamationMechanism;
}

const { step, commands } = pagingCommands<Real>(checkContents, [0, 1, 2, 3]);

commands.push(
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
);

describe('host paging against a reference of page contents', () => {
  it.each(['random', 'fifo', 'clock', 'lru'] as const)(
    '%s victims never lose a page or double-count one',
    (victims: HostSwapOptions['victims']) => {
      fc.assert(
        fc.property(fc.commands(commands, commandSettings()), (cmds) =>
          fc.modelRun(() => {
            const { machine, vms } = pagingMachine();
            const mechanism = hostSwap.create({ victims }, { random: createRandom(1), emit: () => {} });
            mechanism.attach({
              machine,
              remap: machine,
              guest: () => undefined,
              traps: () => machine.traps,
              shareBeforeSwap: zeroPageShare(machine),
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
