/**
 * What the engines' model-based tests share: three VMs of a few pages on a small machine, a reference map of
 * what each page holds, the commands every engine is driven by (writes, reads, page-outs, time) and the check
 * after each — every page reads its last write, and the machine's invariants hold. Each test adds its
 * engine's own commands and checks.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { PageState, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Pages of each VM: few, so equal pages (what an engine shares) are common. */
export const PAGES = 6;

export interface Reference {
  readonly content: Map<string, number>;
}

export interface SharingReal {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
}

export const pageKey = (v: number, ppn: number) => `${v}:${ppn}`;

/** A random page of one of the three VMs. */
export const page = fc.record({ v: fc.nat(2), ppn: fc.nat(PAGES - 1) });

/** Three VMs on a machine with room for every page, swap for all, and reference counts that overflow at 3. */
export function sharingMachine(): SharingReal {
  const machine = createMachine({ frames: 3 * PAGES + 8, swapSlots: 3 * PAGES, refCountLimit: 3 });
  return { machine, vms: [0, 1, 2].map(() => machine.addVm({ pages: PAGES })) };
}

/** The machine's invariants, and every page reading its last write. */
export function checkContents(model: Reference, { machine, vms }: SharingReal): void {
  checkInvariants(machine);
  vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(pageKey(v, ppn)) ?? 0);
    }
  });
}

/**
 * The commands every engine is driven by, each followed by `check`: writes of one of `contents + 1` contents,
 * reads, page-outs and 10 ms of time.
 */
export function memoryCommands<R extends SharingReal>(
  check: (model: Reference, real: R) => void,
  contents: number,
) {
  const step = checkedCommands<Reference, R>(check);
  return {
    step,
    commands: [
      fc.tuple(page, fc.nat(contents)).map(([{ v, ppn }, content]) =>
        step(`write(${v},${ppn},${content})`, (model, { machine, vms }) => {
          machine.write(vms[v]!, ppn, content);
          model.content.set(pageKey(v, ppn), content);
        }),
      ),
      page.map(({ v, ppn }) =>
        step(`read(${v},${ppn})`, (model, { machine, vms }) => {
          expect(machine.read(vms[v]!, ppn)).toBe(model.content.get(pageKey(v, ppn)) ?? 0);
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
    ],
  };
}

/** `fc.commands` settings: up to 80 commands, replaying FC_REPLAY_PATH when set. */
export const commandSettings = () => {
  const replayPath = process.env['FC_REPLAY_PATH'];
  return { maxCommands: 80, size: 'max' as const, ...(replayPath ? { replayPath } : {}) };
};

/** Runs per property: FC_NUM_RUNS, else 150. */
export const modelRuns = () => ({ numRuns: Number(process.env['FC_NUM_RUNS'] ?? 150) });
