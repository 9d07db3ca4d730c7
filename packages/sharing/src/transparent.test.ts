import { checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type TransparentSharing, transparent } from './transparent';

function setup() {
  const machine = createMachine({ frames: 64, swapSlots: 8 });
  const vms = [0, 1, 2].map(() => machine.addVm({ pages: 8 }));
  const engine = transparent.create({}, { random: createRandom(1), emit: () => {} }) as TransparentSharing;
  engine.attach({ machine, remap: machine });
  /** The virtual disk filled page `ppn` of `vm` from `block` of `image`, which holds `content`. */
  const read = (vm: VmId, ppn: number, block: number, content: number, image = 'linux') => {
    machine.deviceWrite(vm, ppn, content);
    engine.onDiskRead(vm, ppn, image, block, content);
  };
  return { machine, vms: vms as [VmId, VmId, VmId], engine, read };
}

describe('transparent page sharing (Disco)', () => {
  it('shares a block’s page when a second VM reads it, and maps later readers onto the same frame', () => {
    const { machine, vms, engine, read } = setup();
    const [a, b, c] = vms;
    read(a, 1, 5, 55);
    expect(machine.frameOf(a, 1)).not.toBe(undefined);
    expect(engine.shared).toBe(0);
    read(b, 3, 5, 55);
    const frame = machine.frameOf(a, 1)!;
    expect(machine.frameOf(b, 3)).toBe(frame);
    read(c, 0, 5, 55);
    expect(machine.frameOf(c, 0)).toBe(frame);
    expect(machine.refCount(frame)).toBe(3);
    expect(engine.shared).toBe(3);
    checkInvariants(machine);
  });

  it('keys blocks by image: the same block number of another image is not shared', () => {
    const { machine, vms, read } = setup();
    read(vms[0], 1, 5, 55, 'linux');
    read(vms[1], 1, 5, 55, 'windows');
    expect(machine.pagePartition(vms[1]).shared).toBe(0);
  });

  it('compares contents: a block a VM rewrote, or a first reader’s page written since, starts over', () => {
    const { machine, vms, engine, read } = setup();
    const [a, b, c] = vms;
    read(a, 1, 5, 55);
    machine.write(a, 1, 9); // the first reader's page no longer holds the block
    read(b, 1, 5, 55);
    expect(machine.pagePartition(b).shared).toBe(0);
    read(c, 1, 5, 56); // c's disk holds other contents at block 5 (it rewrote it)
    expect(machine.pagePartition(c).shared).toBe(0);
    read(a, 2, 5, 56); // c is now the block's reader: a second read of those contents shares
    expect(machine.frameOf(a, 2)).toBe(machine.frameOf(c, 1));
    expect(engine.shared).toBe(2);
    checkInvariants(machine);
  });

  it('maps a copied page onto its source instead of copying (the hooked copy routine)', () => {
    const { machine, vms, engine, read } = setup();
    const [a] = vms;
    read(a, 1, 5, 55);
    machine.write(a, 2, 7); // the buffer page, about to be overwritten by the copy
    const free = machine.freeFrames;
    expect(engine.copyPage(a, 2, 1)).toBe(true);
    expect(machine.frameOf(a, 2)).toBe(machine.frameOf(a, 1));
    expect(machine.peek(a, 2)).toBe(55);
    expect(machine.freeFrames).toBe(free + 1);
    expect(engine.copies).toBe(1);
    machine.write(a, 2, 8); // the buffer written: a private copy, the source unchanged
    expect(machine.peek(a, 1)).toBe(55);
    // A source with no frame (swapped out) is copied the ordinary way.
    machine.swapOut(a, 1);
    expect(engine.copyPage(a, 3, 1)).toBe(false);
    checkInvariants(machine);
  });

  it('scans nothing: sharing happens as pages are read', () => {
    const { engine } = setup();
    expect(engine.scan()).toEqual({ scanned: 0, shared: 0 });
  });
});
