import type { CmmDriver, GuestOs, MachineView, MechanismAttachment, SimTime, VmId } from '@hvsim/spec';
import { time } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { cmm1 } from './cmm1';

const context = { random: undefined as never, emit: () => {} };
const vm = 0 as VmId;

/** A module that records its commands: targets kept within its limit, as the guest's own does. */
function module(limit: number) {
  const state = { available: true, target: 0, timedTarget: 0, reuses: [] as [number, SimTime][] };
  let timeout = { pages: 0, every: 0 };
  const cmm: CmmDriver = {
    get available() {
      return state.available;
    },
    pages: 0,
    get target() {
      return state.target;
    },
    timedPages: 0,
    get timedTarget() {
      return state.timedTarget;
    },
    limit,
    get timeout() {
      return timeout;
    },
    shrink: (pages) => {
      state.target = Math.max(0, Math.min(limit, pages));
    },
    release: (pages) => {
      state.timedTarget = Math.min(limit, state.timedTarget + pages);
    },
    reuse: (pages, every) => {
      state.reuses.push([pages, every]);
      timeout = { pages, every };
    },
  };
  return { cmm, state };
}

function attached(options: Record<string, unknown>, limit = 800, scale = 1) {
  const { cmm, state } = module(limit);
  const mechanism = cmm1.create(options, { ...context, scale });
  const attachment = {
    machine: { pageCount: () => 1000 } as unknown as MachineView,
    remap: undefined as never,
    guest: (id: VmId) => (id === vm ? ({ cmm } as unknown as GuestOs) : undefined),
  } satisfies MechanismAttachment;
  mechanism.attach(attachment);
  return { mechanism, state };
}

it('raises the static pool’s SHRINK target to take pages and lowers it to give them back, within its limit', () => {
  const { mechanism, state } = attached({});
  expect(mechanism.reclaim(vm, 300)).toBe(300);
  expect(mechanism.reclaim(vm, 300)).toBe(300);
  expect(state.target).toBe(600); // absolute targets, each request on top of the last
  expect(mechanism.reclaim(vm, 300)).toBe(200); // the module's limit of 800
  expect(mechanism.release(vm, 500)).toBe(500);
  expect(state.target).toBe(300);
  state.target = 100; // the guest could not give more, or ran out of memory
  expect(mechanism.reclaim(vm, 50)).toBe(50);
  expect(state.target).toBe(150);
  expect(mechanism.release(vm, 1000)).toBe(150);
  expect(state.target).toBe(0);
  expect(state.timedTarget).toBe(0);
});

it('with the timed pool, RELEASEs pages, sets the REUSE rate once, and leaves giving back to the timer', () => {
  const { mechanism, state } = attached({ pool: 'timed', reuse: { pages: '2%', every: '30s' } });
  expect(mechanism.reclaim(vm, 300)).toBe(300);
  expect(mechanism.reclaim(vm, 600)).toBe(500); // the limit
  expect(state.timedTarget).toBe(800);
  expect(state.reuses).toEqual([[20, time.s(30)]]); // 2% of the VM's 1000 pages; not sent again
  expect(mechanism.release(vm, 100)).toBe(0);
  expect(state.timedTarget).toBe(800);
  expect(state.target).toBe(0);
});

it('in a miniature at scale R divides REUSE pages given in pages by R, and keeps a fraction of the VM', () => {
  const inPages = attached({ pool: 'timed', reuse: { pages: 640, every: '30s' } }, 800, 16);
  inPages.mechanism.reclaim(vm, 100);
  expect(inPages.state.reuses).toEqual([[40, time.s(30)]]);
  const fraction = attached({ pool: 'timed', reuse: { pages: '2%', every: '30s' } }, 800, 16);
  fraction.mechanism.reclaim(vm, 100);
  expect(fraction.state.reuses).toEqual([[20, time.s(30)]]); // of the miniature VM's 1000 pages
  const full = attached({ pool: 'timed', reuse: { pages: 640, every: '30s' } }, 800, 1);
  full.mechanism.reclaim(vm, 100);
  expect(full.state.reuses).toEqual([[640, time.s(30)]]);
});

it('is unavailable, and asks nothing, while the guest boots or without the module', () => {
  const { mechanism, state } = attached({});
  state.available = false;
  expect(mechanism.available(vm)).toBe(false);
  expect(mechanism.reclaim(vm, 10)).toBe(0);
  expect(mechanism.release(vm, 10)).toBe(0);
  expect(mechanism.available(1 as VmId)).toBe(false);
  expect(mechanism.reclaim(1 as VmId, 10)).toBe(0);
  expect(state.target).toBe(0);
});

it('names a bad option by its path', () => {
  expect(() => cmm1.create({ pool: 'dynamic' } as never, context)).toThrow(/pool/);
  expect(() => cmm1.create({ reuse: { every: 'soon' } }, context)).toThrow(/reuse\.every/);
});
