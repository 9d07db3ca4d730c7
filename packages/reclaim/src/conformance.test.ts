import { checkAllocationPolicyConformance } from '@hvsim/spec/testing';
import { describe, it } from 'vitest';
import { mebBalancer } from './meb-balancer';

/** MEB's balancer, the allocation policy of this package, keeps the contract's properties. */
describe('allocation policy conformance', () => {
  it.each(['greedy', 'exact'] as const)('meb, %s solver', (solver) => {
    checkAllocationPolicyConformance(mebBalancer, { options: { solver, grid: 32 } });
  });
});
