/**
 * Model-based test of memory compression on a machine of two VMs, for every victim policy: random writes of
 * real contents (compressible, half compressible, incompressible) and synthetic ones, reads, reclaims of
 * random sizes (compressing victims, rejecting poor ones to swap, writing the oldest back to swap when the
 * cache is full; zero pages offered to a share-before-swap hook first) and time passing. After every step
 * each page reads back its last write (a decompressed page included), the machine's invariants hold, and no
 * VM's cache is over its cap. Replay with FC_SEED, FC_PATH and FC_REPLAY_PATH.
 */
import { ContentStore, checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { createRandom, PAGE_SIZE, PageState, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompressionMechanism, compression } from './compression';
import type { VictimPolicy } from './victims';

const PAGES = 24;

interface Reference {
  readonly content: Map<string, number>;
}

interface Real {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
  readonly mechanism: CompressionMechanism;
  /** Content ids a write may store: the zero page, real pages of three compressibilities, synthetic ids. */
  readonly contents: readonly number[];
}

const key = (v: number, ppn: number) => `${v}:${ppn}`;

/** The VM's holding as the host counts it: resident pages and cache frames. */
function held(machine: Machine, vm: VmId): number {
  const p = machine.pagePartition(vm);
  return p.private + p.shared + machine.compressionFrames(vm);
}

function checkAll(model: Reference, real: Real): void {
  checkInvariants(real.machine);
  real.vms.forEach((vm, v) => {
    expect(real.machine.compressionFrames(vm)).toBeLessThanOrEqual(real.mechanism.capacity(vm));
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(real.machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(key(v, ppn)) ?? 0);
    }
  });
}

const step = checkedCommands<Reference, Real>(checkAll);

const page = fc.record({ v: fc.nat(1), ppn: fc.nat(PAGES - 1) });

const commands = [
  fc.tuple(page, fc.nat(6)).map(([{ v, ppn }, c]) =>
    step(`write(${v},${ppn}, contents[${c}])`, (model, { machine, vms, contents }) => {
      machine.write(vms[v]!, ppn, contents[c]!);
      model.content.set(key(v, ppn), contents[c]!);
    }),
  ),
  page.map(({ v, ppn }) =>
    step(`read(${v},${ppn})`, (model, { machine, vms }) => {
      expect(machine.read(vms[v]!, ppn)).toBe(model.content.get(key(v, ppn)) ?? 0);
    }),
  ),
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
  fc.constant(
    step('time passes', (_model, { machine }) => {
      machine.advanceTo(machine.now + 10_000_000);
    }),
  ),
];

/** A page whose first `random` bytes are random: lz4 makes about `random` bytes of it. */
function realPage(store: ContentStore, random: number, seed: number): number {
  const bytes = new Uint8Array(PAGE_SIZE).fill(5);
  const stream = createRandom(seed);
  for (let i = 0; i < random; i++) bytes[i] = stream.nextInt(256);
  return store.intern(bytes);
}

const replayPath = process.env['FC_REPLAY_PATH'];

// Contents never change, so every run shares one store (it allocates 4 MiB at a time).
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

describe('compression against a reference of page contents', () => {
  it.each(['random', 'fifo', 'clock', 'lru'] as const)(
    '%s victims: every page reads back its last write, and no cache outgrows its cap',
    (victims: VictimPolicy) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 80, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          (cmds) =>
            fc.modelRun(() => {
              const machine = createMachine({ frames: 40, swapSlots: 30, contentStore: store });
              const vms = [
                machine.addVm({ name: 'a', pages: PAGES }),
                machine.addVm({ name: 'b', pages: PAGES }),
              ];
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
                shareBeforeSwap: (vm, ppn) => {
                  if (machine.peek(vm, ppn) !== 0 || machine.pageState(vm, ppn) !== PageState.Private)
                    return false;
                  machine.shareWithFrame(vm, ppn, machine.zeroFrame);
                  return true;
                },
              });
              return { model: { content: new Map() }, real: { machine, vms, mechanism, contents } };
            }, cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 100) },
      );
    },
    60_000,
  );
});
