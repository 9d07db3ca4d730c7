import type { BalloonDriver, GuestOs, MachineView, MechanismAttachment, VmId } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { balloon } from './balloon';

const context = { random: undefined as never, emit: () => {} };
const vm = 0 as VmId;

/** A driver that moves toward its target when it runs, as far as its pace allows, within its limit. */
function driver(limit: number, pace: number) {
  const state = { size: 0, target: 0, available: true };
  const d: BalloonDriver = {
    get available() {
      return state.available;
    },
    get size() {
      return state.size;
    },
    get target() {
      return state.target;
    },
    limit,
    setTarget: (pages) => {
      state.target = Math.max(0, Math.min(limit, pages));
    },
  };
  const run = () => {
    const gap = state.target - state.size;
    state.size += Math.sign(gap) * Math.min(Math.abs(gap), pace);
  };
  return { d, state, run };
}

function attached(options: Record<string, unknown>, limit = 600, pace = 1000, scale = 1) {
  const { d, state, run } = driver(limit, pace);
  const mechanism = balloon.create(options, { ...context, scale });
  const attachment = {
    machine: { pageCount: () => 1000 } as unknown as MachineView,
    remap: undefined as never,
    guest: (id: VmId) => (id === vm ? ({ balloon: d } as unknown as GuestOs) : undefined),
  } satisfies MechanismAttachment;
  mechanism.attach(attachment);
  return { mechanism, state, run };
}

it('sets the driver’s target up to the lesser of its limit and ours, moving it at most `rate` a call', () => {
  const { mechanism, state, run } = attached({ limit: 0.5, rate: 200 });
  expect(mechanism.reclaim(vm, 300)).toBe(200);
  expect(state.target).toBe(200);
  expect(state.size).toBe(0); // the driver moves when the guest runs
  run();
  expect(mechanism.reclaim(vm, 1000)).toBe(200);
  run();
  expect(mechanism.reclaim(vm, 1000)).toBe(100); // 500 pages: half of the VM's 1000
  run();
  expect(mechanism.reclaim(vm, 1000)).toBe(0);
  expect(state.size).toBe(500);
  expect(mechanism.release(vm, 1000)).toBe(200);
  expect(state.target).toBe(300);
  run();
  expect(state.size).toBe(300);
});

it('asks from the balloon’s size, so a balloon still inflating is not asked for the same pages twice', () => {
  const { mechanism, state, run } = attached({}, 600, 250);
  expect(mechanism.reclaim(vm, 400)).toBe(400);
  run(); // 250 of the 400 so far; the VM's excess is now 150
  expect(mechanism.reclaim(vm, 150)).toBe(150);
  expect(state.target).toBe(400);
  run();
  expect(mechanism.reclaim(vm, 1000)).toBe(200); // the driver's own limit of 600
  expect(state.target).toBe(600);
});

it('is unavailable, and takes nothing, while the guest boots or without a driver', () => {
  const { mechanism, state } = attached({});
  state.available = false;
  expect(mechanism.available(vm)).toBe(false);
  expect(mechanism.reclaim(vm, 10)).toBe(0);
  expect(mechanism.available(1 as VmId)).toBe(false);
  expect(mechanism.release(1 as VmId, 10)).toBe(0);
  expect(() => balloon.create({ rate: 0 }, context)).toThrow(/rate/);
  expect(() => balloon.create({}, context).available(vm)).toThrow(/not attached/);
});

it('in a miniature at scale R moves a target at most rate / R pages a call on average, the remainder carried', () => {
  const { mechanism, run } = attached({ rate: 100 }, 600, 1000, 64);
  const moves = Array.from({ length: 64 }, () => {
    const n = mechanism.reclaim(vm, 1000);
    run();
    return n;
  });
  expect(new Set(moves)).toEqual(new Set([1, 2])); // 1.5625 a call
  expect(moves.reduce((a, b) => a + b, 0)).toBe(100);
  const one = attached({ rate: 100 }, 600, 1000, 1);
  expect(one.mechanism.reclaim(vm, 1000)).toBe(100);
});
