import { sampling } from '@hvsim/detectors';
import { idleTax } from '@hvsim/economics';
import { type GuestKernel, linuxGuest, windowsGuest } from '@hvsim/guest';
import { balloon, esxReclamation, hostSwap } from '@hvsim/reclaim';
import { satori } from '@hvsim/sharing';
import { parsePages, time } from '@hvsim/spec';
import { fileServer, idle, toucher } from '@hvsim/workloads';
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

describe('Satori between VMs', () => {
  it('credits only the VMs that share: a VM booted from another image is credited nothing throughout', () => {
    const vm = (name: string, image: string) => ({
      name,
      pages: parsePages('8MiB'),
      guest: { definition: linuxGuest, options: { bootTime: '1ms', image } },
      workload: {
        definition: fileServer,
        options: { files: 20, fileSize: '128KiB', readFraction: 1, anonFraction: 0, think: '1ms' },
      },
    });
    const host = createHost({
      frames: parsePages('64MiB'),
      swapPages: parsePages('64MiB'),
      seed: 3,
      metricInterval: time.ms(100),
      vms: [vm('clone1', 'debian'), vm('clone2', 'debian'), vm('clone3', 'debian'), vm('loner', 'alpine')],
      policies: { sharing: { definition: satori, options: {} } },
    });
    host.run(time.s(1));
    const credit = (name: string) =>
      host.metrics().series.find((s) => s.vm === name && s.name === 'credit')!.values;
    expect(credit('loner').length).toBeGreaterThan(5);
    expect(credit('loner').every((pages) => pages === 0)).toBe(true);
    expect(host.guest('loner')!.counters().sharedReads).toBe(0);
    for (const name of ['clone1', 'clone2', 'clone3']) {
      expect(credit(name).at(-1)).toBeGreaterThan(parsePages('512KiB'));
      expect(host.guest(name)!.counters().sharedReads).toBeGreaterThan(0);
    }
    // The loner's pages are all its own.
    expect(host.machine.pagePartition(host.vmId('loner')!).shared).toBe(0);
  });

  it('never serves one VM’s writes to another, nor the image’s block to a VM that rewrote it', () => {
    // Clones that write their files back (the flusher every 10 ms) and re-read them as their small caches cycle.
    const vm = (name: string) => ({
      name,
      pages: parsePages('4MiB'),
      guest: { definition: linuxGuest, options: { bootTime: '1ms', image: 'debian', writeback: '10ms' } },
      workload: {
        definition: fileServer,
        options: { files: 40, fileSize: '128KiB', readFraction: 0.5, anonFraction: 0, think: '1ms' },
      },
    });
    const host = createHost({
      frames: parsePages('64MiB'),
      swapPages: parsePages('64MiB'),
      seed: 3,
      vms: [vm('a'), vm('b'), vm('c')],
      policies: { sharing: { definition: satori, options: {} } },
    });
    host.run(time.s(2));
    let checked = 0;
    for (const name of ['a', 'b', 'c']) {
      const guest = host.guest(name) as GuestKernel;
      const id = host.vmId(name)!;
      expect(guest.counters().sharedReads).toBeGreaterThan(0);
      expect(guest.counters().diskWrites).toBeGreaterThan(0);
      // A clean cached block holds what the VM's own disk holds.
      for (let block = 0; block < 40 * 32; block++) {
        const ppn = guest.cachedPage(block);
        if (ppn < 0 || guest.dirty[ppn] !== 0) continue;
        const content = host.machine.peek(id, ppn);
        if (content === undefined) continue; // discarded: re-read on access
        expect(content, `${name}: block ${block}`).toBe(guest.onDisk(block));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
