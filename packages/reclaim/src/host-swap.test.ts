import { checkInvariants, createMachine } from '@hvsim/machine';
import { createRandom, PageState } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { hostSwap } from './host-swap';

function setup(swapSlots: number, victims: 'random' | 'fifo' | 'clock' | 'lru' = 'random') {
  const machine = createMachine({ frames: 64, swapSlots });
  const vm = machine.addVm({ name: 'a', pages: 32 });
  for (let ppn = 0; ppn < 20; ppn++) machine.write(vm, ppn, 100 + ppn);
  const mechanism = hostSwap.create({ victims }, { random: createRandom(1), emit: () => {} });
  mechanism.attach({ machine, remap: machine, guest: () => undefined, traps: () => machine.traps });
  return { machine, vm, mechanism };
}

const swappedPages = (machine: ReturnType<typeof setup>['machine'], vm: ReturnType<typeof setup>['vm']) =>
  Array.from({ length: 32 }, (_, ppn) => ppn).filter(
    (ppn) => machine.pageState(vm, ppn) === PageState.Swapped,
  );

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

it.each(['clock', 'lru'] as const)(
  '%s victims are pages not touched since they were last looked at',
  (victims) => {
    const { machine, vm, mechanism } = setup(64, victims);
    expect(mechanism.reclaim(vm, 2)).toBe(2); // starts watching: nothing is known yet
    const first = swappedPages(machine, vm);
    for (let round = 0; round < 3; round++) {
      for (let ppn = 0; ppn < 10; ppn++) machine.read(vm, ppn); // the hot half, touched between reclaims
      expect(mechanism.reclaim(vm, 3)).toBe(3);
    }
    const taken = swappedPages(machine, vm).filter((ppn) => !first.includes(ppn));
    expect(taken).toHaveLength(9);
    for (const ppn of taken) expect(ppn).toBeGreaterThanOrEqual(10); // never the hot half
    for (let ppn = 0; ppn < 20; ppn++) expect(machine.read(vm, ppn)).toBe(100 + ppn);
    checkInvariants(machine);
  },
);

it('needs the trap API for fifo, clock and lru victims', () => {
  const machine = createMachine({ frames: 8, swapSlots: 8 });
  const vm = machine.addVm({ name: 'a', pages: 4 });
  machine.write(vm, 0, 1);
  const mechanism = hostSwap.create({ victims: 'clock' }, { random: createRandom(1), emit: () => {} });
  mechanism.attach({ machine, remap: machine, guest: () => undefined });
  expect(() => mechanism.reclaim(vm, 1)).toThrow(/need the trap API/);
  expect(() =>
    hostSwap.create({ victims: 'mru' } as never, { random: createRandom(1), emit: () => {} }),
  ).toThrow(/victims/);
});

it('offers each victim to the sharing engine first: a page it shares is not written to swap', () => {
  const { machine, vm } = setup(64);
  const offered: number[] = [];
  const mechanism = hostSwap.create({}, { random: createRandom(1), emit: () => {} });
  mechanism.attach({
    machine,
    remap: machine,
    guest: () => undefined,
    // A stand-in engine that "shares" even pages (here: leaves them be) and declines odd ones.
    shareBeforeSwap: (_vm, ppn) => {
      offered.push(ppn);
      return ppn % 2 === 0;
    },
  });
  expect(mechanism.reclaim(vm, 6)).toBe(6);
  expect(offered).toHaveLength(6);
  const swapped = swappedPages(machine, vm);
  expect(swapped).toEqual(offered.filter((ppn) => ppn % 2 === 1).sort((a, b) => a - b));
});

it('fifo victims are the pages resident longest; a page that comes back joins the end of the line', () => {
  const { machine, vm, mechanism } = setup(64, 'fifo');
  // Pages 0–19 are resident (in page order); 20–23 arrive later, in the order 23, 22, 21, 20.
  for (const ppn of [23, 22, 21, 20]) machine.write(vm, ppn, 100 + ppn);
  expect(mechanism.reclaim(vm, 4)).toBe(4);
  expect(swappedPages(machine, vm)).toEqual([0, 1, 2, 3]);
  expect(machine.read(vm, 1)).toBe(101); // page 1 comes back: now the newest
  expect(mechanism.reclaim(vm, 20)).toBe(20);
  // Everything resident went, oldest first; page 1 last of all (it stays until the next reclaim).
  expect(swappedPages(machine, vm)).toEqual(
    Array.from({ length: 24 }, (_, ppn) => ppn).filter((p) => p !== 1),
  );
  machine.write(vm, 30, 130);
  expect(mechanism.reclaim(vm, 2)).toBe(2);
  expect(machine.pageState(vm, 1)).toBe(PageState.Swapped);
  expect(machine.pageState(vm, 30)).toBe(PageState.Swapped);
  for (let ppn = 0; ppn < 24; ppn++) expect(machine.read(vm, ppn)).toBe(100 + ppn);
  checkInvariants(machine);
});
