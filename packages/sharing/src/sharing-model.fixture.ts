/**
 * What the engines' model-based tests share: three VMs of a few pages on a small machine, driven by the
 * memory model of `@hvsim/spec/testing` (writes, reads, time) plus page-outs, with the check after each —
 * every page reads its last write, and the machine's invariants hold. Each test adds its engine's own
 * commands and checks.
 */
import { checkInvariants, createMachine, type Machine } from '@hvsim/machine';
import { PageState, type VmId } from '@hvsim/spec';
import { type MemoryReference, memoryModel } from '@hvsim/spec/testing';

export { commandSettings } from '@hvsim/spec/testing';

/** Pages of each VM: few, so equal pages (what an engine shares) are common. */
export const PAGES = 6;

export type Reference = MemoryReference;

export interface SharingReal {
  readonly machine: Machine;
  readonly vms: readonly VmId[];
}

const model = memoryModel(3, PAGES);

/** A random page of one of the three VMs. */
export const page = model.page;

/** Three VMs on a machine with room for every page, swap for all, and reference counts that overflow at 3. */
export function sharingMachine(): SharingReal {
  const machine = createMachine({ frames: 3 * PAGES + 8, swapSlots: 3 * PAGES, refCountLimit: 3 });
  return { machine, vms: [0, 1, 2].map(() => machine.addVm({ pages: PAGES })) };
}

/** The machine's invariants, and every page reading its last write. */
export function checkContents(reference: Reference, real: SharingReal): void {
  checkInvariants(real.machine);
  model.checkContents(reference, real);
}

/**
 * The commands every engine is driven by, each followed by `check`: writes of one of `contents + 1` contents,
 * reads, 10 ms of time and page-outs.
 */
export function memoryCommands<R extends SharingReal>(
  check: (reference: Reference, real: R) => void,
  contents: number,
) {
  const { step, commands } = model.memoryCommands(
    check,
    Array.from({ length: contents + 1 }, (_, c) => c),
  );
  return {
    step,
    commands: [
      ...commands,
      page.map(({ v, ppn }) =>
        step(`swapOut(${v},${ppn})`, (_reference, { machine, vms }) => {
          const vm = vms[v]!;
          const state = machine.pageState(vm, ppn);
          if (state === PageState.Private || state === PageState.Shared) machine.swapOut(vm, ppn);
        }),
      ),
    ],
  };
}

/** Runs per property: FC_NUM_RUNS, else 150. */
export const modelRuns = () => ({ numRuns: Number(process.env['FC_NUM_RUNS'] ?? 150) });
