import { checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, PageState } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { hostSwap } from './host-swap';

function setup(swapSlots: number) {
  const machine = createMachine({ frames: 64, swapSlots });
  const vm = machine.addVm({ name: 'a', pages: 32 });
  for (let ppn = 0; ppn < 20; ppn++) machine.write(vm, ppn, 100 + ppn);
  const mechanism = hostSwap.create({}, { random: createRandom(1), emit: () => {} });
  mechanism.attach({ machine, remap: machine, guest: () => undefined });
  return { machine, vm, mechanism };
}

it('pages out random private pages of the VM, and they read back unchanged', () => {
  const { machine, vm, mechanism } = setup(64);
  expect(mechanism.available(vm)).toBe(true);
  expect(mechanism.reclaim(vm, 8)).toBe(8);
  const swapped = Array.from({ length: 32 }, (_, ppn) => machine.pageState(vm, ppn)).filter(
    (s) => s === PageState.Swapped,
  );
  expect(swapped).toHaveLength(8);
  expect(machine.counters(vm).swapOuts).toBe(8);
  checkInvariants(machine);
  for (let ppn = 0; ppn < 20; ppn++) expect(machine.read(vm, ppn)).toBe(100 + ppn);
  expect(mechanism.release(vm, 8)).toBe(0); // pages come back on access, not by request
  checkInvariants(machine);
});

it('stops when the swap is full or the VM holds nothing more', () => {
  const full = setup(5);
  expect(full.mechanism.reclaim(full.vm, 10)).toBe(5);
  expect(full.mechanism.available(full.vm)).toBe(false);
  const empty = setup(64);
  expect(empty.mechanism.reclaim(empty.vm, 100)).toBe(20);
  expect(empty.mechanism.reclaim(empty.vm, 1)).toBe(0);
  expect(() => hostSwap.create({}, { random: createRandom(1), emit: () => {} }).available(empty.vm)).toThrow(
    /not attached/,
  );
});
