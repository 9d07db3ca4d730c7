/**
 * Model-based test of memory compression on a machine of two VMs, for every victim policy: random writes of
 * real contents (compressible, half compressible, incompressible) and synthetic ones, reads, reclaims of
 * random sizes (compressing victims, rejecting poor ones to swap, writing the oldest back to swap when the
 * cache is full; zero pages offered to a share-before-swap hook first) and time passing. After every step
 * each page reads back its last write (a decompressed page included), the machine's invariants hold, and no
 * VM's cache is over its cap. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { ContentStore, type Machine } from '@hvsim/machine';
import { createRandom, PAGE_SIZE, type VmId } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompressionMechanism, compression } from './compression';
import {
  checkContents,
  commandSettings,
  type PagingReal,
  pagingCommands,
  pagingMachine,
  type Reference,
  zeroPageShare,
} from './paging-model.fixture';
import type { VictimPolicy } from './victims';

interface Real extends PagingReal {
  readonly mechanism: CompressionMechanism;
}

/** The VM's holding as the host counts it: resident pages and cache frames. */
function held(machine: Machine, vm: VmId): number {
  const p = machine.pagePartition(vm);
  return p.private + p.shared + machine.compressionFrames(vm);
}

/** A page whose first `random` bytes are random: lz4 makes about `random` bytes of it. */
function realPage(store: ContentStore, random: number, seed: number): number {
  const bytes = new Uint8Array(PAGE_SIZE).fill(5);
  const stream = createRandom(seed);
  for (let i = 0; i < random; i++) bytes[i] = stream.nextInt(256);
  return store.intern(bytes);
}

// Contents never change, so every run shares one store (it allocates 4 MiB at a time). A write stores the
// zero page, a real page of three compressibilities, or a synthetic id.
const store = new ContentStore();
const contents = [
  0,
  realPage(store, 300, 1),
  realPage(store, 2000, 2),
  realPage(store, PAGE_SIZE, 3),
  1,
  2,
  3,
];

function checkAll(model: Reference, real: Real): void {
  checkContents(model, real);
  for (const vm of real.vms)
    expect(real.machine.compressionFrames(vm)).toBeLessThanOrEqual(real.mechanism.capacity(vm));
}

const { step, commands } = pagingCommands<Real>(checkAll, contents);

commands.push(
  fc.tuple(fc.nat(1), fc.nat(10)).map(([v, n]) =>
    step(`reclaim(${v}, ${n})`, (_model, { machine, vms, mechanism }) => {
      const vm = vms[v]!;
      const before = held(machine, vm);
      const taken = mechanism.reclaim(vm, n);
      expect(taken).toBe(before - held(machine, vm));
      // It stops once it has taken enough, and a victim lessens the holding by one at most: write-backs only
      // make room for the victim, each smaller than a frame.
      expect(taken).toBeLessThanOrEqual(n);
    }),
  ),
);

describe('compression against a reference of page contents', () => {
  it.each(['random', 'fifo', 'clock', 'lru'] as const)(
    '%s victims: every page reads back its last write, and no cache outgrows its cap',
    (victims: VictimPolicy) => {
      fc.assert(
        fc.property(fc.commands(commands, commandSettings()), (cmds) =>
          fc.modelRun(() => {
            const { machine, vms } = pagingMachine(store);
            // A cap of three frames; synthetic contents compress to 0.3–0.9 of a page, some too poorly.
            const mechanism = compression.create(
              { maxShare: 0.125, syntheticShare: 0.6, victims },
              { random: createRandom(1), emit: () => {} },
            ) as CompressionMechanism;
            mechanism.attach({
              machine,
              remap: machine,
              guest: () => undefined,
              traps: () => machine.traps,
              contents: store,
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
