import { checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, PageState, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type SatoriSharing, satori } from './satori';

function setup() {
  const machine = createMachine({ frames: 64, swapSlots: 8 });
  const vms = [0, 1, 2].map(() => machine.addVm({ pages: 8 }));
  const engine = satori.create({}, { random: createRandom(1), emit: () => {} }) as SatoriSharing;
  engine.attach({ machine, remap: machine });
  /** What the guest does to fill page `ppn` with `block`: ask the device, else read the disk and tell it. */
  const read = (vm: VmId, ppn: number, block: number, content: number, image = 'linux'): boolean => {
    if (engine.readShared(vm, ppn, { image, block })) return true;
    machine.deviceWrite(vm, ppn, content);
    engine.onDiskRead(vm, ppn, { image, block }, content);
    return false;
  };
  return { machine, vms: vms as [VmId, VmId, VmId], engine, read };
}

describe('Satori sharing-aware block device', () => {
  it('serves a block another VM read by mapping the reader onto its frame, with no disk read', () => {
    const { machine, vms, engine, read } = setup();
    const [a, b, c] = vms;
    expect(read(a, 1, 5, 55)).toBe(false);
    expect(read(b, 3, 5, 55)).toBe(true);
    expect(read(c, 0, 5, 55)).toBe(true);
    const frame = machine.frameOf(a, 1)!;
    expect([machine.frameOf(b, 3), machine.frameOf(c, 0)]).toEqual([frame, frame]);
    expect(machine.refCount(frame)).toBe(3);
    expect(engine.sharedReads).toBe(2);
    checkInvariants(machine);
  });

  it('keys blocks by image and number, across the table’s chunks and up to 2³² − 1', () => {
    const { machine, vms, read } = setup();
    const [a, b] = vms;
    const blocks = [0, 1023, 1024, 1025, 70_000, 2 ** 32 - 1];
    for (const [i, block] of blocks.entries()) read(a, i, block, 100 + i);
    read(a, 7, 5, 55, 'windows');
    expect(read(b, 7, 5, 55, 'linux')).toBe(false); // block 5 of another image
    blocks.forEach((block, i) => {
      expect(read(b, i, block, 100 + i)).toBe(true);
      expect(machine.frameOf(b, i)).toBe(machine.frameOf(a, i));
    });
    checkInvariants(machine);
  });

  it('drops a stale handle (its page written since) and makes the next reader the block’s source', () => {
    const { machine, vms, engine, read } = setup();
    const [a, b, c] = vms;
    read(a, 1, 5, 55);
    machine.write(a, 1, 9);
    expect(read(b, 2, 5, 55)).toBe(false);
    expect(engine.staleHandles).toBe(1);
    expect(read(c, 4, 5, 55)).toBe(true);
    expect(machine.frameOf(c, 4)).toBe(machine.frameOf(b, 2));
    expect(machine.pageState(a, 1)).toBe(PageState.Private);
    checkInvariants(machine);
  });

  it('never maps a page onto itself: its own block read again goes to the disk', () => {
    const { vms, engine, read } = setup();
    read(vms[0], 1, 5, 55);
    expect(read(vms[0], 1, 5, 55)).toBe(false);
    expect(engine.staleHandles).toBe(1);
  });
});
