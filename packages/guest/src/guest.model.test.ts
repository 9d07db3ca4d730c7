/**
 * Model-based test of a guest on a machine: random workload ops, balloon and cmm moves and host page-outs run
 * against a reference of what each virtual page and disk block must hold. After every step the guest never
 * lost or duplicated a page, every virtual page and block reads back its last write (whatever the balloon or
 * the cmm pools took or the host swapped), and the machine's own invariants hold. With page hints (CMM2) the
 * host's page-outs follow the guest's usage states — unused pages dropped, volatile ones discarded — and
 * still nothing written is lost: a discarded page comes back from the disk. Replay with FC_SEED, FC_PATH and
 * FC_REPLAY_PATH.
 */
import { checkInvariants, type Machine } from '@hvsim/machine';
import { createOpBatch, imageBlockContent, OpKind, PageState } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testGuest } from './guest.fixture';
import type { GuestKernel } from './guest-kernel';
import { checkGuestInvariants } from './invariants';

const PAGES = 24;
const ADDRESS_SPACE = 40;
const BLOCKS = 24;

interface Reference {
  readonly anon: Map<number, number>;
  readonly blocks: Map<number, number>;
  readonly image: string;
}

interface Real {
  readonly machine: Machine;
  readonly guest: GuestKernel;
}

function checkAll(model: Reference, { machine, guest }: Real): void {
  checkInvariants(machine);
  checkGuestInvariants(guest);
  for (let vpn = 0; vpn < ADDRESS_SPACE; vpn++) {
    expect(guest.peekVirtual(vpn), `virtual page ${vpn}`).toBe(model.anon.get(vpn) ?? 0);
  }
  for (let block = 0; block < BLOCKS; block++) {
    expect(guest.peekBlock(block), `block ${block}`).toBe(
      model.blocks.get(block) ?? imageBlockContent(model.image, block),
    );
  }
}

const step = checkedCommands<Reference, Real>(checkAll);

const op = fc.oneof(
  fc.record({ kind: fc.constant(OpKind.Read), target: fc.nat(ADDRESS_SPACE - 1), content: fc.constant(0) }),
  fc.record({ kind: fc.constant(OpKind.Write), target: fc.nat(ADDRESS_SPACE - 1), content: fc.nat(5) }),
  fc.record({ kind: fc.constant(OpKind.FileRead), target: fc.nat(BLOCKS - 1), content: fc.constant(0) }),
  fc.record({ kind: fc.constant(OpKind.FileWrite), target: fc.nat(BLOCKS - 1), content: fc.nat(5) }),
  fc.record({ kind: fc.constant(OpKind.Free), target: fc.nat(ADDRESS_SPACE - 1), content: fc.constant(0) }),
  fc.record({
    kind: fc.constant(OpKind.Compute),
    target: fc.constantFrom(1e6, 1e9),
    content: fc.constant(0),
  }),
);

const commands = [
  fc.array(op, { minLength: 1, maxLength: 20 }).map((ops) =>
    step(`ops(${ops.map((o) => `${o.kind}:${o.target}`).join(' ')})`, (model, { guest }) => {
      const batch = createOpBatch(ops.length);
      ops.forEach((o, i) => {
        batch.kind[i] = o.kind;
        batch.target[i] = o.target;
        batch.content[i] = o.content;
      });
      batch.length = ops.length;
      expect(guest.execute(batch)).toBe(ops.length);
      for (const o of ops) {
        if (o.kind === OpKind.Write) model.anon.set(o.target, o.content);
        if (o.kind === OpKind.Free) model.anon.delete(o.target);
        if (o.kind === OpKind.FileWrite) model.blocks.set(o.target, o.content);
      }
    }),
  ),
  fc.nat(8).map((n) =>
    step(`inflate(${n})`, (_model, { guest }) => {
      const before = guest.balloon.size;
      const taken = guest.balloon.inflate(n);
      expect(guest.balloon.size).toBe(before + taken);
      expect(guest.balloon.size).toBeLessThanOrEqual(guest.balloon.limit);
    }),
  ),
  fc.nat(PAGES).map((n) =>
    step(`balloon target ${n}, then the guest runs`, (_model, { machine, guest }) => {
      guest.balloon.setTarget(n);
      machine.charge(guest.vm, 1e9);
      guest.balloon.poll();
      expect(guest.balloon.target).toBe(Math.min(n, guest.balloon.limit));
      expect(guest.balloon.size).toBeLessThanOrEqual(guest.balloon.limit);
    }),
  ),
  fc.nat(8).map((n) =>
    step(`deflate(${n})`, (_model, { guest }) => {
      const before = guest.balloon.size;
      expect(before - guest.balloon.deflate(n)).toBe(guest.balloon.size);
    }),
  ),
  fc.nat(PAGES).map((n) =>
    step(`cmm SHRINK ${n}, then the guest runs`, (_model, { machine, guest }) => {
      const cmm = guest.cmm!;
      cmm.shrink(n);
      machine.charge(guest.vm, 1e9);
      cmm.poll();
      expect(cmm.pages + cmm.timedPages).toBeLessThanOrEqual(cmm.limit);
    }),
  ),
  fc.nat(8).map((n) =>
    step(`cmm RELEASE ${n}`, (_model, { guest }) => {
      guest.cmm!.release(n);
    }),
  ),
  fc.tuple(fc.nat(4), fc.constantFrom(1e6, 1e9)).map(([pages, every]) =>
    step(`cmm REUSE ${pages} ${every}`, (_model, { guest }) => {
      guest.cmm!.reuse(pages, every);
    }),
  ),
  fc.nat(PAGES - 1).map((ppn) =>
    step(`host evicts page ${ppn}`, (_model, { machine, guest }) => {
      const state = machine.pageState(guest.vm, ppn);
      if (state === PageState.Private || state === PageState.Shared) machine.evict(guest.vm, ppn);
    }),
  ),
  fc.constant(
    step('time passes', (_model, { machine }) => {
      machine.advanceTo(machine.now + 10_000_000);
    }),
  ),
];

const replayPath = process.env['FC_REPLAY_PATH'];

describe('guest against a reference of virtual pages and disk blocks', () => {
  it.each([
    ['linux', false],
    ['windows', false],
    ['linux', true],
  ] as const)(
    '%s never loses a page or a write (page hints: %s)',
    (kind, pageHints) => {
      fc.assert(
        fc.property(
          fc.commands(commands, { maxCommands: 60, size: 'max', ...(replayPath ? { replayPath } : {}) }),
          (cmds) =>
            fc.modelRun(() => {
              const real = testGuest({
                kind,
                pages: PAGES,
                guest: {
                  kernel: 2,
                  swap: 64,
                  addressSpace: ADDRESS_SPACE,
                  disk: BLOCKS,
                  bootTime: 0,
                  readahead: 4,
                  pageHints,
                  writeback: pageHints ? '2s' : 0,
                  balloon: { limit: 0.5, rate: 0.5, installed: true },
                  cmm: { installed: true, limit: 0.4, rate: 0.5 },
                },
              });
              return { model: { anon: new Map(), blocks: new Map(), image: `${kind}-base` }, real };
            }, cmds),
        ),
        { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 100) },
      );
    },
    60_000,
  ); // about 4 s alone, more beside the other suites
});
