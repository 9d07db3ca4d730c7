import { FrameState, InvariantViolation, type VmId } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariants, MACHINE_INVARIANTS } from './invariants';
import { createMachine, type Machine } from './machine';
import { CHANNEL_BITS } from './vm-memory';

/** Two VMs of 8 pages, every page of each written with its own content; pages 0 of both shared. */
function populated(): { machine: Machine; a: VmId; b: VmId } {
  const machine = createMachine({ frames: 64, swapSlots: 16 });
  const a = machine.addVm({ name: 'a', pages: 8 });
  const b = machine.addVm({ name: 'b', pages: 8 });
  for (let ppn = 0; ppn < 8; ppn++) {
    machine.write(a, ppn, 100 + ppn);
    machine.write(b, ppn, ppn === 0 ? 100 : 200 + ppn);
  }
  machine.share(a, 0, b, 0);
  checkInvariants(machine);
  return { machine, a, b };
}

/** The violation `checkInvariants` throws (failing the test when it throws none). */
function violation(machine: Machine): InvariantViolation {
  try {
    checkInvariants(machine);
  } catch (error) {
    if (error instanceof InvariantViolation) return error;
    throw error;
  }
  throw new Error('expected an invariant violation');
}

describe('checkInvariants names what broke', () => {
  it('a frame freed while a page maps it: the partition, at that VM and page', () => {
    const { machine, b } = populated();
    const frame = machine.frameOf(b, 5)!;
    machine.frames.release(frame);
    const v = violation(machine);
    expect(v).toMatchObject({
      invariant: MACHINE_INVARIANTS.partition,
      vm: b,
      page: 5,
      found: `private, maps frame ${frame}, which is free`,
    });
    expect(v.message).toBe(
      `pages partition exactly: vm ${b} page 5: private, maps frame ${frame}, which is free`,
    );
  });

  it('a frame taken with no page mapping it: reference counts, at that frame', () => {
    const { machine } = populated();
    const frame = machine.frames.allocate(FrameState.Private, 7);
    expect(violation(machine)).toMatchObject({
      invariant: MACHINE_INVARIANTS.mappers,
      vm: undefined,
      page: undefined,
      frame,
      found: 'private frame has 0 mappers, expected 1',
    });
  });

  it("a shared frame's reference count off by one: reference counts, naming a page that maps it", () => {
    const { machine, a } = populated();
    const frame = machine.frameOf(a, 0)!;
    machine.frames.refs.set(frame, 3);
    const v = violation(machine);
    expect(v).toMatchObject({ invariant: MACHINE_INVARIANTS.mappers, frame, vm: a, page: 0 });
    expect(v.found).toBe('shared frame has reference count 3, 2 mappers');
  });

  it('two swapped pages pointing at one slot: swap slots, at the second page', () => {
    const { machine, a } = populated();
    machine.swapOut(a, 3);
    machine.swapOut(a, 4);
    machine.advanceTo(machine.now + machine.costs.swapOutLatency);
    checkInvariants(machine);
    const loc = machine.memoryOf(a).loc;
    loc[4] = loc[3]!;
    expect(violation(machine)).toMatchObject({
      invariant: MACHINE_INVARIANTS.swap,
      vm: a,
      page: 4,
      found: `swapped, holds slot ${loc[3]}, which another page holds`,
    });
  });

  it('any page whose translation flags are corrupted is the one named', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 0xff & ~CHANNEL_BITS }),
        (second, page, bits) => {
          const { machine, a, b } = populated();
          const vm = second ? b : a;
          machine.memoryOf(vm).flags[page]! ^= bits;
          expect(violation(machine)).toMatchObject({ invariant: MACHINE_INVARIANTS.flags, vm, page });
        },
      ),
    );
  });
});
