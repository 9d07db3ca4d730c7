import { type HostObservation, time, type VmId } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { type EsxReclamation, esxReclamation } from './esx-policy';

const context = { random: undefined as never, emit: () => {} };

/** A host of 1000 frames with `free` of them free, and three VMs: over target with a balloon, over without, under. */
function observation(free: number): HostObservation {
  return {
    now: 0,
    totalFrames: 1000,
    freeFrames: free,
    vms: [
      {
        vm: 0 as VmId,
        pages: 400,
        allocated: 300,
        target: 200,
        activePages: 100,
        mechanisms: ['balloon', 'host-swap'],
      },
      { vm: 1 as VmId, pages: 400, allocated: 250, target: 200, activePages: 100, mechanisms: ['host-swap'] },
      {
        vm: 2 as VmId,
        pages: 400,
        allocated: 100,
        target: 200,
        activePages: 100,
        mechanisms: ['balloon', 'host-swap'],
      },
    ],
  };
}

it('reclaims nothing in high, balloons in soft (paging where no balloon), pages in hard, also blocks in low', () => {
  const policy = esxReclamation.create({}, context) as EsxReclamation;
  // In high only the VM under its target acts: its balloon gives back what it holds.
  const deflate = { vm: 2, mechanism: 'balloon', pages: -100 };
  expect(policy.plan(observation(50))).toEqual({ actions: [deflate], blocked: [], state: 'high' });
  expect(policy.plan(observation(30))).toEqual({
    actions: [
      { vm: 0, mechanism: 'balloon', pages: 100 },
      { vm: 1, mechanism: 'host-swap', pages: 50 },
      deflate,
    ],
    blocked: [],
    state: 'soft',
  });
  expect(policy.plan(observation(15)).actions.map((a) => a.mechanism)).toEqual([
    'host-swap',
    'host-swap',
    'balloon',
  ]);
  expect(policy.state).toBe('hard');
  const low = policy.plan(observation(5));
  expect(low.state).toBe('low');
  expect(low.blocked).toEqual([0, 1]); // VM 2 is under its target and keeps running
  expect(policy.plan(observation(25)).state).toBe('low'); // 2.5% free: not past 2% by the margin yet
  expect(policy.plan(observation(80)).state).toBe('high');
  // The kernel plans again when free memory crosses where the state changes.
  expect(policy.triggers.map((t) => Math.round(t * 100))).toEqual([1, 2, 4, 3, 5, 7]);
});

it('pages past a balloon that made no headway for its patience, not one that had no time yet', () => {
  const policy = esxReclamation.create({ patience: '15s' }, context);
  const at = (seconds: number, allocated = 300) => {
    const o = observation(30);
    const vms = o.vms.map((vm, i) => (i === 0 ? { ...vm, allocated } : vm));
    return policy.plan({ ...o, now: time.s(seconds), vms }).actions[0];
  };
  expect(at(0)).toEqual({ vm: 0, mechanism: 'balloon', pages: 100 });
  // A plan a second later (free memory crossed a threshold): the balloon has had no time to move.
  expect(at(1)).toEqual({ vm: 0, mechanism: 'balloon', pages: 100 });
  // 15 s on, still nothing given: the guest will not give, so the host pages it.
  expect(at(15)).toEqual({ vm: 0, mechanism: 'host-swap', pages: 100 });
  // Headway since: ballooning again, and the clock starts over from there.
  expect(at(20, 250)).toEqual({ vm: 0, mechanism: 'balloon', pages: 50 });
  expect(at(34, 250)).toEqual({ vm: 0, mechanism: 'balloon', pages: 50 });
  expect(at(35, 250)).toEqual({ vm: 0, mechanism: 'host-swap', pages: 50 });
});

it('pages only what brings free memory back above high plus the margin with paging: free, shared by excess', () => {
  const policy = () => esxReclamation.create({ paging: 'free' }, context);
  // 1.5% free (hard): 55 frames bring it to 7%; VM 0's excess is 100 and VM 1's 50, so 37 and 19 (rounded up).
  expect(policy().plan(observation(15)).actions).toEqual([
    { vm: 0, mechanism: 'host-swap', pages: 37 },
    { vm: 1, mechanism: 'host-swap', pages: 19 },
    { vm: 2, mechanism: 'balloon', pages: -100 },
  ]);
  // Soft: the balloon takes its whole excess, the VM without one is paged its part of what is needed alone.
  const soft = policy().plan(observation(30)).actions;
  expect(soft).toEqual([
    { vm: 0, mechanism: 'balloon', pages: 100 },
    { vm: 1, mechanism: 'host-swap', pages: 40 },
    { vm: 2, mechanism: 'balloon', pages: -100 },
  ]);
  // Never more than a VM's excess: 700 frames are needed on a host of 10 000 with none free.
  const low = policy().plan({ ...observation(0), totalFrames: 10_000 }).actions;
  expect(low.filter((a) => a.mechanism === 'host-swap').map((a) => a.pages)).toEqual([100, 50]);
  expect(() => esxReclamation.create({ paging: 'some' } as never, context)).toThrow(/paging/);
});

it('checks its thresholds and names the field', () => {
  expect(() => esxReclamation.create({ soft: 0.07 }, context)).toThrow(/^thresholds: /);
  expect(() => esxReclamation.create({ low: 0 }, context)).toThrow(/low/);
  expect(() => esxReclamation.create({ margin: 0.95 }, context)).toThrow(/margin/);
});

it('with ballooning: always, balloons a VM above target in high too, but pages none there', () => {
  const policy = esxReclamation.create({ ballooning: 'always' }, context) as EsxReclamation;
  expect(policy.plan(observation(50))).toEqual({
    actions: [
      { vm: 0, mechanism: 'balloon', pages: 100 },
      { vm: 2, mechanism: 'balloon', pages: -100 },
    ],
    blocked: [],
    state: 'high',
  });
  // Below soft it plans as by default.
  const soft = esxReclamation.create({}, context) as EsxReclamation;
  soft.plan(observation(50));
  policy.plan(observation(50));
  expect(policy.plan(observation(30))).toEqual(soft.plan(observation(30)));
});

it('says whether targets count what sharing non-zero pages saves (off by default), and refuses a misspelt mode', () => {
  expect((esxReclamation.create({}, context) as EsxReclamation).sharedSavings).toBe(false);
  expect((esxReclamation.create({ sharedSavings: true }, context) as EsxReclamation).sharedSavings).toBe(
    true,
  );
  expect(() => esxReclamation.create({ ballooning: 'high' } as never, context)).toThrow(/ballooning/);
});
