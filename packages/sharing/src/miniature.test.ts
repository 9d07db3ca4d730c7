import { createMachine } from '@hvsim/machine';
import { type CreateContext, createRandom, time } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type ContentBasedSharing, contentBased } from './content-based';
import { type KsmSharing, ksm } from './ksm';

/** Two VMs of 128 pages, every page written with its own content, and an engine made at `scale`. */
function setup<E>(create: (context: CreateContext) => E) {
  const machine = createMachine({ frames: 300, swapSlots: 16 });
  const vms = [machine.addVm({ pages: 128 }), machine.addVm({ pages: 128 })];
  for (const vm of vms) for (let ppn = 0; ppn < 128; ppn++) machine.write(vm, ppn, 1000 * (vm + 1) + ppn);
  const engine = create({ random: createRandom(1), emit: () => {} });
  return { machine, engine };
}

describe('sharing engines in a miniature', () => {
  it('ksm examines pagesToScan / R pages per wake-up on average, the fraction carried', () => {
    const scanned = (scale: number) => {
      const { machine, engine } = setup(
        (context) => ksm.create({ pagesToScan: 100 }, { ...context, scale }) as KsmSharing,
      );
      engine.attach({ machine, remap: machine });
      return Array.from({ length: 64 }, () => {
        const { scanned } = engine.scan(0);
        machine.advanceTo(machine.now + time.ms(engine.options.sleepMillisecs));
        return scanned;
      });
    };
    const miniature = scanned(64);
    expect(new Set(miniature)).toEqual(new Set([1, 2])); // 1.5625 a wake-up
    expect(miniature.reduce((a, b) => a + b, 0)).toBe(100);
    expect(scanned(1).slice(0, 2)).toEqual([100, 100]);
  });

  it('content-based examines vmBudget / R pages of each VM per scan on average', () => {
    const scanned = (scale: number) => {
      const { machine, engine } = setup(
        (context) => contentBased.create({ vmBudget: 100 }, { ...context, scale }) as ContentBasedSharing,
      );
      engine.attach({ machine, remap: machine });
      return Array.from({ length: 64 }, () => engine.scan(10_000).scanned);
    };
    const miniature = scanned(64);
    expect(new Set(miniature)).toEqual(new Set([2, 4])); // 1.5625 of each of two VMs
    expect(miniature.reduce((a, b) => a + b, 0)).toBe(200);
    expect(scanned(1).slice(0, 2)).toEqual([200, 200]);
  });
});
