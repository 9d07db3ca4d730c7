import fc from 'fast-check';
import type { ContentId, VmId } from '../ids';
import type { MachineView, MemoryBus } from '../machine';
import type { SimTime } from '../units';
import { checkedCommands } from './checked-command';

/** What each page of the model's VMs was last written with, by `v:ppn` (absent: never written, zeros). */
export interface MemoryReference {
  readonly content: Map<string, ContentId>;
}

/** The machine a memory model drives: its views, accesses and clock. */
export interface ModelMachine extends MachineView, Pick<MemoryBus, 'read' | 'write'> {
  advanceTo(time: SimTime): void;
}

export interface MemoryReal {
  readonly machine: ModelMachine;
  readonly vms: readonly VmId[];
}

/**
 * What model-based tests of code that drives a machine (sharing engines, reclamation mechanisms) share: for
 * `vms` VMs of `pages` pages each, a random page, the check that every page reads its last write, and the
 * commands every such test runs (writes of one of `contents`, reads, 10 ms of time), each followed by the
 * test's own check. A test adds its mechanism's commands with `step`, which runs the same check after them.
 */
export function memoryModel(vms: number, pages: number) {
  const page = fc.record({ v: fc.nat(vms - 1), ppn: fc.nat(pages - 1) });
  const written = (model: MemoryReference, v: number, ppn: number) => model.content.get(`${v}:${ppn}`) ?? 0;

  /** Throws unless every page holds what was last written to it. */
  const checkContents = (model: MemoryReference, { machine, vms: ids }: MemoryReal): void => {
    ids.forEach((vm, v) => {
      for (let ppn = 0; ppn < pages; ppn++) {
        const held = machine.peek(vm, ppn);
        if (held !== written(model, v, ppn))
          throw new Error(`page ${v}:${ppn} holds ${held}, last written ${written(model, v, ppn)}`);
      }
    });
  };

  const memoryCommands = <R extends MemoryReal>(
    check: (model: MemoryReference, real: R) => void,
    contents: readonly ContentId[],
  ) => {
    const step = checkedCommands<MemoryReference, R>(check);
    return {
      step,
      commands: [
        fc.tuple(page, fc.nat(contents.length - 1)).map(([{ v, ppn }, c]) =>
          step(`write(${v},${ppn},${contents[c]})`, (model, { machine, vms: ids }) => {
            machine.write(ids[v]!, ppn, contents[c]!);
            model.content.set(`${v}:${ppn}`, contents[c]!);
          }),
        ),
        page.map(({ v, ppn }) =>
          step(`read(${v},${ppn})`, (model, { machine, vms: ids }) => {
            const read = machine.read(ids[v]!, ppn);
            if (read !== written(model, v, ppn))
              throw new Error(`page ${v}:${ppn} read ${read}, last written ${written(model, v, ppn)}`);
          }),
        ),
        fc.constant(
          step('time passes', (_model, { machine }) => {
            machine.advanceTo(machine.now + 10_000_000);
          }),
        ),
      ],
    };
  };

  return { page, checkContents, memoryCommands };
}

/** `fc.commands` settings: up to 80 commands, replaying FC_REPLAY_PATH when set. */
export function commandSettings() {
  const replayPath = process.env['FC_REPLAY_PATH'];
  return { maxCommands: 80, size: 'max' as const, ...(replayPath ? { replayPath } : {}) };
}
