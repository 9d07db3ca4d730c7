import { fc, test } from '@fast-check/vitest';
import {
  allocationInput,
  checkAllocationPolicyConformance,
  checkWorkloadConformance,
} from '@hvsim/spec/testing';
import { describe, expect, it } from 'vitest';
import { bursty } from './bursty';
import { proportionalShare, proportionalTargets } from './proportional-share';

// The plugin's definitions are held to the same properties as hvsim's own: the published conformance suites.
describe('conformance', () => {
  it('bursty keeps the workload contract', () => {
    checkWorkloadConformance(bursty, { options: { hot: 0.5, burst: '2ms', pause: '3ms' }, vmPages: 1024 });
  });

  it('proportional-share keeps the allocation policy contract, with and without headroom', () => {
    checkAllocationPolicyConformance(proportionalShare);
    checkAllocationPolicyConformance(proportionalShare, { options: { headroom: 0.2 } });
  });
});

describe('proportional-share', () => {
  test.prop([allocationInput(), fc.double({ min: 0, max: 0.99, noNaN: true })])(
    'gives every VM at least its min, and a VM with more shares never less, unless held by its own min or max',
    (input, headroom) => {
      const targets = proportionalTargets(input, headroom);
      input.vms.forEach((a, i) => {
        expect(targets[i]).toBeGreaterThanOrEqual(a.min);
        input.vms.forEach((b, k) => {
          const free = (t: number, vm: typeof a) => t > vm.min && t < vm.max;
          if (a.shares > b.shares && free(targets[i]!, a) && free(targets[k]!, b)) {
            expect(targets[i]).toBeGreaterThanOrEqual(targets[k]!);
          }
        });
      });
    },
  );
});
