import type { BalloonDriver, GuestOs, MachineView, MechanismAttachment, VmId } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { balloon } from './balloon';

const context = { random: undefined as never, emit: () => {} };
const vm = 0 as VmId;

/** A driver that takes what it is asked within its limit and a per-call rate, as the guest's does. */
function driver(limit: number, perCall: number) {
  const state = { size: 0, available: true };
  const d: BalloonDriver = {
    get available() {
      return state.available;
    },
    get size() {
      return state.size;
    },
    limit,
    inflate: (pages) => {
      const n = Math.max(0, Math.min(pages, limit - state.size, perCall));
      state.size += n;
      return n;
    },
    deflate: (pages) => {
      const n = Math.min(pages, state.size, perCall);
      state.size -= n;
      return n;
    },
    onPop: () => {},
  };
  return { d, state };
}

function attached(options: Record<string, unknown>, limit = 600, perCall = 1000) {
  const { d, state } = driver(limit, perCall);
  const mechanism = balloon.create(options, context);
  const attachment = {
    machine: { pageCount: () => 1000 } as unknown as MachineView,
    remap: undefined as never,
    guest: (id: VmId) => (id === vm ? ({ balloon: d } as unknown as GuestOs) : undefined),
  } satisfies MechanismAttachment;
  mechanism.attach(attachment);
  return { mechanism, state };
}

it('inflates through the guest’s driver up to the lesser of its limit and ours, at most `rate` a call', () => {
  const { mechanism, state } = attached({ limit: 0.5, rate: 200 });
  expect(mechanism.reclaim(vm, 300)).toBe(200);
  expect(mechanism.reclaim(vm, 1000)).toBe(200);
  expect(mechanism.reclaim(vm, 1000)).toBe(100); // 500 pages: half of the VM's 1000
  expect(mechanism.reclaim(vm, 1000)).toBe(0);
  expect(state.size).toBe(500);
  expect(mechanism.release(vm, 1000)).toBe(200);
  expect(state.size).toBe(300);
});

it('defaults to the driver’s own limit and pace', () => {
  const { mechanism } = attached({}, 600, 250);
  expect(mechanism.reclaim(vm, 1000)).toBe(250);
  expect(mechanism.reclaim(vm, 1000)).toBe(250);
  expect(mechanism.reclaim(vm, 1000)).toBe(100);
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
