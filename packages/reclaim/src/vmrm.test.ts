import { fc, test } from '@fast-check/vitest';
import { type HostObservation, time, type VmId, type VmObservation } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { vmrm } from './vmrm';

const context = { random: undefined as never, emit: () => {} };

const vm = (id: number, allocated: number, mechanisms: string[]): VmObservation => ({
  vm: id as VmId,
  pages: 800,
  allocated,
  target: 800,
  activePages: allocated,
  mechanisms,
});

/** A host of 1000 frames, `free` of them free, at `seconds`: two guests with the cmm module, one without. */
function observation(seconds: number, free: number, paging = true): HostObservation {
  const swap = paging ? ['host-swap'] : [];
  return {
    now: time.s(seconds),
    totalFrames: 1000,
    freeFrames: free,
    vms: [vm(0, 600, ['cmm1', ...swap]), vm(1, 200, ['cmm1', ...swap]), vm(2, 150, swap)],
  };
}

const shrinks = (o: HostObservation, policy: ReturnType<typeof vmrm.create>) =>
  policy.plan(o).actions.filter((a) => a.mechanism === 'cmm1');

it('decides once an interval of host time, and between decisions sends nothing', () => {
  const policy = vmrm.create({ interval: '60s' }, context);
  const at = (seconds: number) => policy.plan(observation(seconds, 20, false));
  expect(at(0).actions).toHaveLength(2);
  for (const seconds of [15, 30, 59.9])
    expect(at(seconds)).toEqual({ actions: [], blocked: [], state: 'constrained' });
  expect(at(60).actions).toHaveLength(2);
  expect(at(75).actions).toEqual([]);
  expect(at(125).actions).toHaveLength(2); // a decision missed is made at the next plan
  expect(at(179).actions).toEqual([]); // and the next stays on the minute
  expect(at(180).actions).toHaveLength(2);
});

it('under constraint, asks each guest with the module for its share of resident frames times what is missing', () => {
  const policy = vmrm.create({ low: 0.05, high: 0.1 }, context);
  // 20 frames free, 100 wanted: 80 missing, shared 600 : 200 by the two guests' resident frames.
  expect(policy.plan(observation(0, 20))).toEqual({
    actions: [
      { vm: 0, mechanism: 'cmm1', pages: 60 },
      { vm: 1, mechanism: 'cmm1', pages: 20 },
      // z/VM pages the 30 frames below low out of all three, by what each holds (600 : 200 : 150).
      { vm: 0, mechanism: 'host-swap', pages: 19 },
      { vm: 1, mechanism: 'host-swap', pages: 6 },
      { vm: 2, mechanism: 'host-swap', pages: 5 },
    ],
    blocked: [],
    state: 'constrained',
  });
  // Between decisions only the paging goes on; above low, not even that.
  expect(policy.plan(observation(15, 40)).actions.map((a) => a.mechanism)).toEqual([
    'host-swap',
    'host-swap',
    'host-swap',
  ]);
  expect(policy.plan(observation(30, 60)).actions).toEqual([]);
});

test.prop([fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }), fc.nat(49)])(
  'under constraint, the requests add up to what is missing, each within a page of its resident share',
  (resident, free) => {
    const vms = resident.map((allocated, i) => vm(i, allocated, ['cmm1']));
    const plan = vmrm.create({}, context).plan({ now: 0, totalFrames: 1000, freeFrames: free, vms });
    const total = resident.reduce((a, b) => a + b, 0);
    const asked = vms.map((v) => plan.actions.find((a) => a.vm === v.vm)?.pages ?? 0);
    expect(asked.reduce((a, b) => a + b, 0)).toBe(total === 0 ? 0 : 100 - free);
    asked.forEach((pages, i) => {
      if (total > 0) expect(Math.abs(pages - ((100 - free) * resident[i]!) / total)).toBeLessThan(1);
    });
  },
);

it('counts z/VM’s own paging since the last decision: constrained, and the deficit grows by what it paged', () => {
  const policy = vmrm.create({ low: 0.05, high: 0.1 }, context);
  expect(shrinks(observation(0, 60), policy)).toEqual([]); // above low, nothing paged: unconstrained
  // Free memory falls to 30 between decisions: z/VM pages the 20 below low.
  const paged = policy.plan(observation(15, 30)).actions;
  expect(paged.reduce((a, x) => a + x.pages, 0)).toBe(20);
  // At the next decision free memory is back to 60, above low, but the paging shows the guests want more:
  // 40 missing up to high plus the 20 paged, shared 600 : 200.
  expect(policy.plan(observation(60, 60)).state).toBe('constrained');
  expect(shrinks(observation(120, 60), policy).map((a) => a.pages)).toEqual([]);
  const again = vmrm.create({ low: 0.05, high: 0.1 }, context);
  again.plan(observation(0, 60));
  again.plan(observation(15, 30));
  expect(shrinks(observation(60, 60), again).map((a) => a.pages)).toEqual([45, 15]);
});

it('relaxes once the constraint is gone: a share of what it asked for back, no more than is free above high', () => {
  const policy = vmrm.create({ low: 0.05, high: 0.1, relax: 0.25 }, context);
  expect(shrinks(observation(0, 20, false), policy).map((a) => a.pages)).toEqual([60, 20]);
  // Between low and high: requests hold.
  expect(policy.plan(observation(60, 75))).toEqual({ actions: [], blocked: [], state: 'unconstrained' });
  // 300 free above high: a quarter of the 80 pages asked for comes back, shared 60 : 20.
  expect(shrinks(observation(120, 400), policy).map((a) => a.pages)).toEqual([-15, -5]);
  // Only 5 free above high: 5 pages back, shared 45 : 15.
  expect(shrinks(observation(180, 105), policy).map((a) => a.pages)).toEqual([-4, -1]);
  let given = 0;
  for (let minute = 4; minute < 40; minute++) {
    for (const a of shrinks(observation(60 * minute, 400), policy)) given -= a.pages;
  }
  expect(given).toBe(80 - 20 - 5); // all of it, and then no more
});

it('forgets a guest that powered off', () => {
  const policy = vmrm.create({}, context);
  shrinks(observation(0, 20, false), policy);
  const gone = observation(60, 75);
  policy.plan({ ...gone, vms: gone.vms.filter((v) => v.vm !== 1) });
  expect(shrinks(observation(120, 400), policy)).toEqual([{ vm: 0, mechanism: 'cmm1', pages: -15 }]);
});

it('names a bad option by its path', () => {
  expect(() => vmrm.create({ low: 0.2, high: 0.1 }, context)).toThrow(/high: expected high above low/);
  expect(() => vmrm.create({ interval: 0 }, context)).toThrow(/interval/);
  expect(() => vmrm.create({ low: 1.5 }, context)).toThrow(/low/);
});
