/**
 * Allocation benchmarks (issue: the ESX allocation and reclamation stack): the idle-tax targets of 256 VMs,
 * one rebalance, target under 1 ms. The VMs differ in size, minimum, shares and activity, and memory is
 * overcommitted 1.5×, so the water-fill has real work: both the flat and the progressive tax.
 */
import { report, throughput } from '@hvsim/bench-kit';
import { type AllocationInput, createRandom } from '@hvsim/spec';
import { idleTaxTargets } from '../src/allocation';

const VMS = 256;
const random = createRandom(7).split('allocation-bench');
const vms = Array.from({ length: VMS }, () => {
  const max = 65_536 * (1 + random.nextInt(16)); // 256 MiB to 4 GiB
  return {
    min: Math.floor(max * random.nextFloat() * 0.25),
    max,
    shares: 10 * (max / 256) * (1 + random.nextInt(4)),
    activePages: Math.floor(max * random.nextFloat()),
    allocated: 0,
  };
});
const input: AllocationInput = {
  now: 0,
  available: Math.floor(vms.reduce((a, vm) => a + vm.max, 0) / 1.5),
  vms,
};

async function figure(kind: 'flat' | 'progressive') {
  const perSecond = await throughput(`idle-tax ${kind}, ${VMS} VMs`, 1, () => {
    idleTaxTargets(input, { tau: 0.75, tax: kind, mode: 'work-conserving' });
  });
  return {
    name: `allocation targets, ${VMS} VMs, ${kind} idle tax (one rebalance)`,
    unit: 'ms',
    value: 1000 / perSecond,
    target: 1,
    better: 'lower' as const,
    note: `${VMS} VMs of 256 MiB to 4 GiB, memory overcommitted 1.5×, tau 0.75; median of per-call times`,
  };
}

report('allocation', [await figure('flat'), await figure('progressive')]);
