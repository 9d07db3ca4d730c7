import {
  type CostModel,
  createMachine,
  DEFAULT_COSTS,
  type MachineOptions,
  miniatureCosts,
  resolveCosts,
} from '@hvsim/machine';
import { FrameState, InvalidInputError, MAX_SCALE } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';

/** Costs a miniature leaves alone: a disk request's latency, its transfer, a page-out's delay. */
const PER_EVENT = ['diskRead', 'diskWrite', 'diskTransfer', 'swapOutLatency'] as const;

describe('miniatureCosts', () => {
  it('multiplies every cost per page or access by the scale, and keeps disk latencies and page-out delay', () => {
    const costs = miniatureCosts(DEFAULT_COSTS, 16);
    expect(costs).toEqual({
      access: 1_600,
      minorTrap: 32_000,
      zeroFill: 64_000,
      cowBreak: 80_000,
      swapIn: 128_000_000,
      swapOutLatency: 8_000_000,
      diskRead: 8_000_000,
      diskWrite: 8_000_000,
      diskTransfer: 160_000,
      compress: 80_000,
      decompress: 160_000,
      discardFault: 32_000,
      essa: 1_600,
    });
  });

  it('scales every cost of the model, overrides too, naming none twice', () => {
    const custom = resolveCosts({ access: 7, diskTransfer: 3, essa: 0 });
    const scaled = miniatureCosts(custom, 4);
    expect(Object.keys(scaled).sort()).toEqual(Object.keys(DEFAULT_COSTS).sort());
    for (const key of Object.keys(custom) as (keyof CostModel)[]) {
      const kept = (PER_EVENT as readonly string[]).includes(key);
      expect(scaled[key], key).toBe(kept ? custom[key] : custom[key] * 4);
    }
    expect(scaled.access).toBe(28);
    expect(scaled.diskTransfer).toBe(3);
  });

  it('is the same model at scale 1', () => {
    expect(miniatureCosts(DEFAULT_COSTS, 1)).toBe(DEFAULT_COSTS);
  });
});

/** A 64-frame machine with one 16-page VM at `scale`. */
function machineAt(scale: number | undefined, options: Partial<MachineOptions> = {}) {
  const machine = createMachine({
    frames: 64,
    swapSlots: 16,
    ...(scale === undefined ? {} : { scale }),
    ...options,
  });
  const vm = machine.addVm({ pages: 16 });
  return { machine, vm };
}

describe('a machine at a scale', () => {
  it('holds the miniature’s costs', () => {
    expect(machineAt(8).machine.costs).toEqual(miniatureCosts(DEFAULT_COSTS, 8));
    expect(machineAt(8, { costs: { access: 3 } }).machine.costs.access).toBe(24);
    expect(machineAt(undefined).machine.costs).toEqual(DEFAULT_COSTS);
  });

  it('charges each access and fault the scale times over', () => {
    const { machine, vm } = machineAt(4);
    machine.read(vm, 0); // zero-fill
    expect(machine.vmTime(vm)).toBe(4 * (DEFAULT_COSTS.access + DEFAULT_COSTS.zeroFill));
    machine.write(vm, 0, 9); // fast path
    expect(machine.vmTime(vm)).toBe(4 * (2 * DEFAULT_COSTS.access + DEFAULT_COSTS.zeroFill));
    const ops = new Uint32Array([0, 0, 0]);
    machine.accessBatch(vm, ops, new Float64Array(3), 3);
    expect(machine.vmTime(vm)).toBe(4 * (5 * DEFAULT_COSTS.access + DEFAULT_COSTS.zeroFill));
    expect(machine.counters(vm).accesses).toBe(5); // counted as made, not scaled
  });

  it('charges a swap-in scale times, but frees a paged-out frame after the unscaled write latency', () => {
    const { machine, vm } = machineAt(4);
    machine.write(vm, 0, 9);
    const frame = machine.frameOf(vm, 0)!;
    const before = machine.vmTime(vm);
    machine.swapOut(vm, 0);
    machine.advanceTo(DEFAULT_COSTS.swapOutLatency - 1);
    expect(machine.frameOf(vm, 0)).toBeUndefined();
    expect(machine.framePartition().inFlight).toBe(1);
    machine.advanceTo(DEFAULT_COSTS.swapOutLatency);
    expect(machine.framePartition().inFlight).toBe(0);
    expect(machine.frameState(frame)).toBe(FrameState.Free);
    expect(machine.read(vm, 0)).toBe(9);
    expect(machine.vmTime(vm) - before).toBe(4 * (DEFAULT_COSTS.access + DEFAULT_COSTS.swapIn));
  });

  it('charges a disk read as `requests` latencies and the transfer of every block stood for', () => {
    const { machine, vm } = machineAt(16);
    const { diskRead, diskWrite, diskTransfer } = DEFAULT_COSTS;
    // 2 miniature blocks stand for 32; the request for 3 (a 32-block read in windows of 12, say).
    machine.diskRead(vm, 2, 3);
    expect(machine.counters(vm).diskReads).toBe(3);
    expect(machine.vmTime(vm)).toBe(3 * diskRead + (2 * 16 - 3) * diskTransfer);
    // A one-page request stands for 16 one-page requests: latencies only, no transfer.
    machine.diskRead(vm, 1, 16);
    expect(machine.counters(vm).diskReads).toBe(19);
    expect(machine.vmTime(vm)).toBe(19 * diskRead + 29 * diskTransfer);
    machine.diskWrite(vm, 4, 2);
    expect(machine.counters(vm).diskWrites).toBe(2);
    expect(machine.vmTime(vm)).toBe(19 * diskRead + 2 * diskWrite + (29 + 62) * diskTransfer);
  });

  it('at scale 1 charges a disk request as before: one latency, and the transfer of each further block', () => {
    for (const scale of [1, undefined]) {
      const { machine, vm } = machineAt(scale);
      machine.diskRead(vm);
      expect(machine.vmTime(vm)).toBe(DEFAULT_COSTS.diskRead);
      machine.diskRead(vm, 8);
      expect(machine.vmTime(vm)).toBe(2 * DEFAULT_COSTS.diskRead + 7 * DEFAULT_COSTS.diskTransfer);
      machine.diskWrite(vm, 3);
      expect(machine.vmTime(vm)).toBe(
        2 * DEFAULT_COSTS.diskRead + DEFAULT_COSTS.diskWrite + 9 * DEFAULT_COSTS.diskTransfer,
      );
      expect(machine.counters(vm)).toMatchObject({ diskReads: 2, diskWrites: 1 });
      machine.read(vm, 0);
      expect(machine.counters(vm).time).toBe(
        2 * DEFAULT_COSTS.diskRead +
          DEFAULT_COSTS.diskWrite +
          9 * DEFAULT_COSTS.diskTransfer +
          DEFAULT_COSTS.access +
          DEFAULT_COSTS.zeroFill,
      );
    }
  });

  it.each([0, 1.5, -4, MAX_SCALE + 1, Number.NaN])('refuses scale %s, naming `scale`', (scale) => {
    const make = () => createMachine({ frames: 64, scale });
    expect(make).toThrow(InvalidInputError);
    expect(make).toThrow(new RegExp(`^scale: expected a whole number in \\[1, ${MAX_SCALE}\\], got`));
  });

  it('takes the largest scale', () => {
    expect(createMachine({ frames: 64, scale: MAX_SCALE }).costs.access).toBe(100 * MAX_SCALE);
  });
});
