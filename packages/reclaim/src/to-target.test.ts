import { expect, it } from 'vitest';
import { toTargetPlan } from './to-target';

it('balloons every VM to its target whatever is free, paging where it has no balloon', () => {
  const plan = toTargetPlan(
    {
      now: 0,
      totalFrames: 1000,
      freeFrames: 900,
      vms: [
        {
          vm: 0 as never,
          pages: 400,
          allocated: 300,
          target: 200,
          activePages: 100,
          mechanisms: ['balloon'],
        },
        {
          vm: 1 as never,
          pages: 400,
          allocated: 300,
          target: 250,
          activePages: 100,
          mechanisms: ['host-swap'],
        },
        {
          vm: 2 as never,
          pages: 400,
          allocated: 100,
          target: 200,
          activePages: 100,
          mechanisms: ['balloon'],
        },
      ],
    },
    { balloon: 'balloon', page: 'host-swap' },
  );
  expect(plan.actions).toEqual([
    { vm: 0, mechanism: 'balloon', pages: 100 },
    { vm: 1, mechanism: 'host-swap', pages: 50 },
    { vm: 2, mechanism: 'balloon', pages: -100 },
  ]);
});
