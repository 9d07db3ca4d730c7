import { checkAllocationPolicyConformance } from '@hvsim/spec/testing';
import { describe, it } from 'vitest';
import type { z } from 'zod';
import { idleTax, type idleTaxOptions } from './allocation';
import { mebBalancer } from './meb-balancer';

const settings: [string, z.input<typeof idleTaxOptions>][] = [
  ['flat tax', { tau: 0.75 }],
  ['pure shares', { tau: 0 }],
  ['progressive tax, isolation', { tau: 0.5, tax: 'progressive', mode: 'isolation' }],
  [
    'a tax schedule',
    {
      tau: [
        { from: '0s', tau: 0 },
        { from: '30min', tau: 0.9 },
      ],
    },
  ],
];

/** Every allocation policy this package exports keeps the contract's properties (the suite any policy can run). */
describe('allocation policy conformance', () => {
  it.each(settings)('idle-tax, %s', (_what, options) => {
    checkAllocationPolicyConformance(idleTax, { options });
  });

  it.each(['greedy', 'exact'] as const)('meb, %s solver', (solver) => {
    checkAllocationPolicyConformance(mebBalancer, { options: { solver, grid: 32 } });
  });
});
