import { sampling } from '@hvsim/detectors';
import { idleTax } from '@hvsim/economics';
import { linuxGuest, windowsGuest } from '@hvsim/guest';
import { balloon, esxReclamation, hostSwap } from '@hvsim/reclaim';
import { parsePages, time } from '@hvsim/spec';
import { idle, toucher } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { createHost } from './host';

/**
 * Utilisation against isolation: two honest VMs that zeroed their memory at boot and then sit idle, and one
 * that touches all of its memory all the time to look active. Equal shares, the idle tax at 75%.
 */
function run(mode: 'work-conserving' | 'isolation') {
  const vm = (name: string, faker: boolean) => ({
    name,
    pages: parsePages('6MiB'),
    shares: 1,
    guest: { definition: faker ? linuxGuest : windowsGuest, options: { bootTime: '100ms' } },
    // The faker touches nearly all of its memory once a second: cheap for it, and every page looks active.
    workload: faker
      ? { definition: toucher, options: { schedule: [{ at: '0s', touch: '5.5MiB' }], period: '1s' } }
      : { definition: idle, options: {} },
    detector: { definition: sampling, options: { period: '1s' } },
  });
  const host = createHost({
    frames: parsePages('12MiB'),
    swapPages: parsePages('32MiB'),
    seed: 5,
    metricInterval: time.s(1),
    vms: [vm('faker', true), vm('honest1', false), vm('honest2', false)],
    policies: {
      allocation: { definition: idleTax, options: { tau: 0.75, mode } },
      reclamation: { definition: esxReclamation, options: {} },
      mechanisms: [
        { definition: balloon, options: {} },
        { definition: hostSwap, options: {} },
      ],
    },
    periods: { rebalance: time.s(1), shareScan: time.s(3600), shareBudget: 1 },
  });
  host.run(time.s(20));
  const target = (name: string) =>
    host
      .metrics()
      .series.find((s) => s.vm === name && s.name === 'target')!
      .values.at(-1)!;
  // Equal shares: each VM's pure entitlement is a third of what the targets share out.
  const available = host.machine.totalFrames - 1 - Math.ceil(0.06 * host.machine.totalFrames);
  return { faker: target('faker'), honest: target('honest1'), entitlement: available / 3 };
}

describe('a VM faking activity', () => {
  it('pulls the honest VMs’ idle memory when the host is work-conserving', () => {
    const { faker, honest, entitlement } = run('work-conserving');
    expect(faker).toBeGreaterThan(1.3 * entitlement);
    expect(honest).toBeLessThan(entitlement);
  });

  it('gets no more than its share entitlement in isolation mode, though memory then stays free', () => {
    const { faker, honest, entitlement } = run('isolation');
    expect(faker).toBeLessThanOrEqual(Math.ceil(entitlement));
    expect(honest).toBeLessThan(entitlement); // the tax still takes the honest VMs' idle memory
  });
});
