import { checkInvariants } from '@hvsim/machine';
import { OpKind, PageState, time } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { runOps as run, testGuest } from './guest.fixture';

/** A guest of 32 pages with 8 kernel pages, all paged out by the host after boot. */
function pagedKernel(kernelWalk: string | number) {
  const { machine, guest } = testGuest({ guest: { kernel: 8, bootTime: '1s', kernelWalk } });
  machine.charge(guest.vm, time.s(1));
  for (let ppn = 0; ppn < 8; ppn++) machine.swapOut(guest.vm, ppn);
  const swapped = () =>
    [...Array(8).keys()].filter((ppn) => machine.pageState(guest.vm, ppn) === PageState.Swapped).length;
  return { machine, guest, swapped };
}

it('reads each kernel page once per kernelWalk after boot, in turn, so paged-out kernel pages come back', () => {
  const { machine, guest, swapped } = pagedKernel('4s');
  run(guest, [OpKind.Compute, time.s(1)]); // 1 s after boot: a quarter of the walk is due
  run(guest, [OpKind.Compute, 0]);
  expect(swapped()).toBe(6);
  machine.charge(guest.vm, time.s(3));
  run(guest, [OpKind.Compute, 0]);
  expect(swapped()).toBe(0);
  checkInvariants(machine);
});

it('reads none by default', () => {
  const { machine, guest, swapped } = pagedKernel(0);
  machine.charge(guest.vm, time.s(60));
  run(guest, [OpKind.Compute, 0]);
  expect(swapped()).toBe(8);
});
