/**
 * What the host-paging and compression model tests share: two VMs of a few pages on a machine too small for
 * both, a reference map of what each page holds, the commands both are driven by (writes, reads, time
 * passing), the check after each (every page reads its last write, the machine's invariants hold) and the
 * share-before-swap hook that maps a zero page onto the zero frame. Each test adds its mechanism's reclaim
 * command and checks.
 */
import { type ContentStore, checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { PageState, type VmId } from '@hvsim/spec';
import { checkedCommands } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { expect } from 'vitest';

export const PAGES = 24;

export interface Reference {
  readonly content: Map<string, number>;
}

export interface PagingReal {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
}

const pageKey = (v: number, ppn: number) => `${v}:${ppn}`;

const page = fc.record({ v: fc.nat(1), ppn: fc.nat(PAGES - 1) });

/** Two VMs of `PAGES` pages on 40 frames, with 30 swap slots. */
export function pagingMachine(contentStore?: ContentStore): PagingReal {
  const machine = createMachine({ frames: 40, swapSlots: 30, ...(contentStore ? { contentStore } : {}) });
  return {
    machine,
    vms: [machine.addVm({ name: 'a', pages: PAGES }), machine.addVm({ name: 'b', pages: PAGES })],
  };
}

/** Share-before-swap as the host offers it: a private zero page is mapped onto the zero frame. */
export function zeroPageShare(machine: Machine) {
  return (vm: VmId, ppn: number): boolean => {
    if (machine.peek(vm, ppn) !== 0 || machine.pageState(vm, ppn) !== PageState.Private) return false;
    machine.shareWithFrame(vm, ppn, machine.zeroFrame);
    return true;
  };
}

/** The machine's invariants, and every page reading its last write. */
export function checkContents(model: Reference, { machine, vms }: PagingReal): void {
  checkInvariants(machine);
  vms.forEach((vm, v) => {
    for (let ppn = 0; ppn < PAGES; ppn++) {
      expect(machine.peek(vm, ppn), `page ${v}:${ppn}`).toBe(model.content.get(pageKey(v, ppn)) ?? 0);
    }
  });
}

/**
 * The commands both mechanisms are driven by, each followed by `check`: writes of one of `contents`, reads
 * and 10 ms of time; `step` makes the test's own commands, followed by the same check.
 */
export function pagingCommands<R extends PagingReal>(
  check: (model: Reference, real: R) => void,
  contents: readonly number[],
) {
  const step = checkedCommands<Reference, R>(check);
  return {
    step,
    commands: [
      fc.tuple(page, fc.nat(contents.length - 1)).map(([{ v, ppn }, c]) =>
        step(`write(${v},${ppn}, ${contents[c]})`, (model, { machine, vms }) => {
          machine.write(vms[v]!, ppn, contents[c]!);
          model.content.set(pageKey(v, ppn), contents[c]!);
        }),
      ),
      page.map(({ v, ppn }) =>
        step(`read(${v},${ppn})`, (model, { machine, vms }) => {
          expect(machine.read(vms[v]!, ppn)).toBe(model.content.get(pageKey(v, ppn)) ?? 0);
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
