import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VmId } from '../ids';
import { type MemoryReal, type MemoryReference, type ModelMachine, memoryModel } from './memory-model';

/** A machine of plain arrays: what each page holds, and a clock. */
function arrayMachine(vms: number, pages: number) {
  const held = Array.from({ length: vms }, () => new Array<number>(pages).fill(0));
  const clock = { now: 0 };
  const machine = {
    get now() {
      return clock.now;
    },
    peek: (vm: VmId, ppn: number) => held[vm]![ppn],
    read: (vm: VmId, ppn: number) => held[vm]![ppn]!,
    write: (vm: VmId, ppn: number, content: number) => {
      held[vm]![ppn] = content;
    },
    advanceTo: (time: number) => {
      clock.now = time;
    },
  } as unknown as ModelMachine;
  const real: MemoryReal = { machine, vms: Array.from({ length: vms }, (_, v) => v as VmId) };
  return { held, real };
}

describe('memoryModel', () => {
  it('checks every page against what was last written, naming a page that differs', () => {
    const { checkContents } = memoryModel(2, 3);
    const { held, real } = arrayMachine(2, 3);
    const reference: MemoryReference = { content: new Map([['1:2', 7]]) };
    held[1]![2] = 7;
    expect(() => checkContents(reference, real)).not.toThrow();
    held[0]![1] = 9; // changed behind the model's back
    expect(() => checkContents(reference, real)).toThrow('page 0:1 holds 9, last written 0');
  });

  it('runs its commands against a machine that keeps what is written, each followed by the check', () => {
    const { checkContents, memoryCommands } = memoryModel(2, 4);
    let checks = 0;
    const { commands } = memoryCommands<MemoryReal>(
      (reference, real) => {
        checks++;
        checkContents(reference, real);
      },
      [0, 5, 6],
    );
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 30 }), (cmds) => {
        const { real } = arrayMachine(2, 4);
        fc.modelRun(() => ({ model: { content: new Map() }, real }), cmds);
      }),
      { numRuns: 20 },
    );
    expect(checks).toBeGreaterThan(0);
  });

  it('fails a read that does not return the last write', () => {
    const { memoryCommands } = memoryModel(1, 1);
    const { commands } = memoryCommands<MemoryReal>(() => {}, [4]);
    const { held, real } = arrayMachine(1, 1);
    const reference: MemoryReference = { content: new Map([['0:0', 4]]) };
    held[0]![0] = 3;
    const read = fc.sample(commands[1]!, 1)[0]!;
    expect(() => read.run(reference, real)).toThrow('page 0:0 read 3, last written 4');
  });
});
