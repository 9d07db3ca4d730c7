import { idleTax } from '@hvsim/economics';
import { linuxGuest, windowsGuest } from '@hvsim/guest';
import { balloon, cmm1, compression, esxReclamation, hostSwap, vmrm } from '@hvsim/reclaim';
import { contentBased } from '@hvsim/sharing';
import {
  cmmOf,
  defineAllocationPolicy,
  defineReclamationMechanism,
  defineReclamationPolicy,
  defineSharingEngine,
  type HostObservation,
  PageState,
  parsePages,
  time,
  type VmId,
} from '@hvsim/spec';
import { fileServer, phased, uniform } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHost } from './host';
import type { HostConfig } from './host-config';

const vms = ['a', 'b'].map((name) => ({
  name,
  pages: parsePages('2MiB'),
  min: parsePages('256KiB'),
  shares: name === 'a' ? 3 : 1,
  guest: { definition: linuxGuest, options: { bootTime: '1ms' } },
  workload: { definition: uniform, options: { pages: 0.5 } },
}));

function recordingPolicies() {
  const log: string[] = [];
  const observations: HostObservation[] = [];
  const allocation = defineAllocationPolicy({
    name: 'halves',
    options: z.object({}),
    create: () => ({
      contract: 'allocation-policy@1',
      name: 'halves',
      targets: (input) => Float64Array.from(input.vms, (vm) => Math.floor(vm.max / 2)),
    }),
  });
  const reclamation = defineReclamationPolicy({
    name: 'squeeze-b',
    options: z.object({}),
    create: () => ({
      contract: 'reclamation-policy@1',
      name: 'squeeze-b',
      plan: (observation) => {
        observations.push(observation);
        const b = observation.vms[1]!.vm;
        return { actions: [{ vm: b, mechanism: 'recorder', pages: 5 }], blocked: [b], state: 'hard' };
      },
    }),
  });
  const mechanism = defineReclamationMechanism({
    name: 'recorder',
    options: z.object({}),
    create: () => ({
      contract: 'reclamation-mechanism@1',
      name: 'recorder',
      attach: ({ guest }) => log.push(`attached, guest of vm 0 known: ${guest(0 as VmId) !== undefined}`),
      available: () => true,
      reclaim: (vm, pages) => {
        log.push(`reclaim ${vm} ${pages}`);
        return pages;
      },
      release: () => 0,
    }),
  });
  const sharing = defineSharingEngine({
    name: 'counter',
    options: z.object({}),
    create: () => ({
      contract: 'sharing-engine@1',
      name: 'counter',
      attach: () => {},
      scan: (budget) => {
        log.push(`scan ${budget}`);
        return { scanned: 0, shared: 0 };
      },
    }),
  });
  const config: HostConfig = {
    frames: parsePages('8MiB'),
    swapPages: parsePages('8MiB'),
    seed: 1,
    quantum: time.ms(1),
    metricInterval: time.ms(10),
    vms,
    policies: {
      allocation: { definition: allocation },
      reclamation: { definition: reclamation },
      mechanisms: [{ definition: mechanism }],
      sharing: { definition: sharing },
    },
    periods: { rebalance: time.ms(10), shareScan: time.ms(5), shareBudget: 7 },
  };
  return { config, log, observations };
}

describe('policy slots', () => {
  it('rebalance on their period: targets, a plan, its mechanism calls, blocked VMs, state changes', () => {
    const { config, log, observations } = recordingPolicies();
    const host = createHost(config);
    host.run(time.ms(30));
    expect(observations).toHaveLength(3);
    expect(observations[0]!.vms.map((v) => v.target)).toEqual([256, 256]);
    expect(observations[0]!.vms[0]!.mechanisms).toEqual(['recorder']);
    expect(log.filter((l) => l.startsWith('reclaim'))).toEqual(['reclaim 1 5', 'reclaim 1 5', 'reclaim 1 5']);
    expect(log.filter((l) => l.startsWith('scan'))).toHaveLength(6);
    expect(log).toContain('scan 7');
    expect(host.events.filter((e) => e.kind === 'state-change')).toEqual([
      expect.objectContaining({ data: { from: 'none', to: 'hard' } }),
    ]);
    const target = host.metrics().series.find((s) => s.vm === 'a' && s.name === 'target')!;
    expect(target.values.at(-1)).toBe(256);
  });

  it('a blocked VM does not run, while the others do', () => {
    const { config } = recordingPolicies();
    const host = createHost(config);
    host.run(time.ms(10)); // the first plan blocks b
    const before = host.stats().vms.map((v) => v.ops);
    host.run(time.ms(30));
    const after = host.stats().vms.map((v) => v.ops);
    expect(after[0]).toBeGreaterThan(before[0]!);
    expect(after[1]).toBe(before[1]);
  });

  it('runs with none: targets are the maxima and nothing is reclaimed', () => {
    const { config } = recordingPolicies();
    const host = createHost({ ...config, policies: {} });
    host.run(time.ms(20));
    const target = host.metrics().series.find((s) => s.vm === 'b' && s.name === 'target')!;
    expect(target.values.at(-1)).toBe(parsePages('2MiB'));
    expect(host.stats().vms.every((v) => v.ops > 0)).toBe(true);
  });

  it('takes ESX’s idle-tax allocation by name: targets by shares, adding up to the host’s memory', () => {
    const { config } = recordingPolicies();
    const host = createHost({
      ...config,
      frames: parsePages('3MiB'),
      policies: { allocation: { definition: idleTax, options: { tau: 0 } } },
    });
    host.run(time.ms(20));
    const target = (vm: string) => host.metrics().series.find((s) => s.vm === vm && s.name === 'target')!;
    const [a, b] = [target('a').values.at(-1)!, target('b').values.at(-1)!];
    expect(a).toBe(parsePages('2MiB')); // 3 : 1 shares would give a more than its max
    expect(a + b).toBe(host.machine.totalFrames - host.machine.reservedFrames - 1); // less the zero page
  });

  it.each(['random', 'fifo', 'clock', 'lru'] as const)(
    'brings VMs down to their idle-tax targets with the ESX stack: states, balloon, host paging (%s victims)',
    (victims) => {
      const host = createHost({
        frames: parsePages('6MiB'),
        swapPages: parsePages('16MiB'),
        seed: 3,
        quantum: time.ms(1),
        metricInterval: time.ms(100),
        vms: ['a', 'b'].map((name) => ({
          name,
          pages: parsePages('4MiB'),
          guest: { definition: linuxGuest, options: { bootTime: '1ms' } },
          workload: { definition: uniform, options: { pages: 0.9 } },
        })),
        policies: {
          allocation: { definition: idleTax, options: { tau: 0 } },
          reclamation: { definition: esxReclamation, options: {} },
          mechanisms: [
            { definition: balloon, options: {} },
            { definition: hostSwap, options: { victims } },
          ],
        },
        periods: { rebalance: time.ms(100), shareScan: time.s(1), shareBudget: 0 },
      });
      host.run(time.s(3));
      const last = (vm: string, name: string) =>
        host
          .metrics()
          .series.find((s) => s.vm === vm && s.name === name)!
          .values.at(-1)!;
      // The targets leave the high threshold (6%) free.
      const targets = last('a', 'target') + last('b', 'target');
      expect(targets).toBe(host.machine.totalFrames - 1 - Math.ceil(0.06 * host.machine.totalFrames));
      // Memory is all in use, so the states fall to hard or low: the host pages as well as ballooning.
      // Reclaiming towards the targets brings free memory back over the soft threshold (ESX then rests), as
      // it does at least once in the last second; the last sample alone can fall anywhere in that cycle.
      for (const vm of ['a', 'b']) expect(last(vm, 'ballooned') + last(vm, 'swapped')).toBeGreaterThan(0);
      const free = host
        .metrics()
        .series.find((s) => s.vm === undefined && s.name === 'free')!
        .values.slice(-10);
      expect(Math.max(...free)).toBeGreaterThanOrEqual(0.04 * host.machine.totalFrames);
      const states = host.events.filter((e) => e.kind === 'state-change').map((e) => e.data!['to']);
      expect(states.some((state) => state === 'hard' || state === 'low')).toBe(true);
    },
  );

  it('runs CMM1 with the timed pool: VMRM RELEASEs pages under constraint, and they come back at the REUSE rate', () => {
    const host = createHost({
      frames: parsePages('6MiB'),
      swapPages: parsePages('16MiB'),
      seed: 2,
      vms: ['a', 'b'].map((name) => ({
        name,
        pages: parsePages('4MiB'),
        guest: { definition: linuxGuest, options: { bootTime: '1ms', cmm: { installed: true, rate: 0.2 } } },
        workload: {
          definition: fileServer,
          options: { files: 100, fileSize: '64KiB', requestSize: '16KiB' },
        },
      })),
      policies: {
        reclamation: { definition: vmrm, options: { interval: '1s' } },
        mechanisms: [
          { definition: cmm1, options: { pool: 'timed', reuse: { pages: '2%', every: '500ms' } } },
          { definition: hostSwap, options: {} },
        ],
      },
      periods: { rebalance: time.ms(250) },
    });
    const cmm = cmmOf(host.guest('a'))!;
    let drained = 0;
    for (let t = 0.25; t <= 8; t += 0.25) {
      const before = cmm.timedTarget;
      host.run(time.s(t));
      expect(cmm.pages).toBe(0); // VMRM's requests went to the timed pool only
      if (cmm.timedTarget < before) drained += before - cmm.timedTarget;
    }
    expect(cmm.timeout).toEqual({ pages: Math.round(0.02 * parsePages('4MiB')), every: time.ms(500) });
    expect(cmm.timedPages).toBeGreaterThan(0);
    expect(drained).toBeGreaterThan(0); // between requests, the timer lowered the target
  });

  it('pages in emergencies through the mechanism the reclamation policy pages with, counting VMs’ caches', () => {
    // No allocation policy: every target is the maximum, so no plan reclaims and only the emergency pager does.
    const host = createHost({
      frames: parsePages('6MiB'),
      swapPages: parsePages('16MiB'),
      seed: 1,
      quantum: time.ms(1),
      metricInterval: time.ms(100),
      checkInvariants: true,
      vms: ['a', 'b'].map((name) => ({
        name,
        pages: parsePages('4MiB'),
        guest: { definition: linuxGuest, options: { bootTime: '1ms' } },
        workload: {
          definition: uniform,
          options: { pages: 0.9, content: { model: 'generated', compressibility: 0.75 } },
        },
      })),
      policies: {
        reclamation: { definition: esxReclamation, options: { page: 'compression' } },
        mechanisms: [{ definition: compression, options: {} }],
      },
    });
    // A tenth of a second, a metric sample at its end: both VMs compress from their first 10 ms on (thousands of
    // pages each by the end), and the invariants checked after every quantum are most of what the run costs.
    host.run(time.ms(100));
    for (const name of ['a', 'b']) {
      const vm = host.vmId(name)!;
      const counters = host.machine.counters(vm);
      expect(counters.compressions).toBeGreaterThan(0);
      expect(counters.compressionRejects).toBe(0);
      // What a VM holds counts its cache's frames, in the metrics as in what the policies see.
      const p = host.machine.pagePartition(vm);
      const allocated = host.metrics().series.find((s) => s.vm === name && s.name === 'allocated')!;
      expect(allocated.values.at(-1)).toBe(p.private + p.shared + host.machine.compressionFrames(vm));
      expect(host.machine.compressionFrames(vm)).toBeGreaterThan(0);
    }
  });

  it('plans again at once when free memory crosses one of the reclamation policy’s triggers', () => {
    const { config, observations } = recordingPolicies();
    const base = config.policies!.reclamation!.definition;
    const triggered = {
      ...base,
      create: (...args: Parameters<typeof base.create>) => ({ ...base.create(...args), triggers: [0.9] }),
    };
    const host = createHost({
      ...config,
      policies: { ...config.policies, reclamation: { definition: triggered } },
      periods: { rebalance: time.s(3600), shareScan: time.s(3600), shareBudget: 1 },
    });
    host.run(time.ms(50)); // the VMs fill their memory: free memory falls below 90% of the host's
    expect(observations).toHaveLength(1);
    expect(observations[0]!.freeFrames / observations[0]!.totalFrames).toBeLessThan(0.9);
  });

  it('names a mechanism a plan asks for that the host does not have', () => {
    const { config } = recordingPolicies();
    const host = createHost({ ...config, policies: { ...config.policies, mechanisms: [] } });
    expect(() => host.run(time.ms(20))).toThrow(/planned with "recorder", which the host does not have/);
  });
});

describe('what the targets divide', () => {
  /**
   * Two Windows VMs (which zero their memory at boot) that write their OS image's contents into half their
   * pages, then read them, shared by a content-based scan of every page, under a reclamation policy that plans
   * nothing and says whether the targets count sharing's savings. Returns, at each rebalance, the memory
   * offered to the allocation policy, the savings of non-zero sharing counted page by page, and the pages on
   * the zero frame.
   */
  function offered(sharedSavings: boolean) {
    const available: number[] = [];
    const savings: number[] = [];
    const zeros: number[] = [];
    let host: ReturnType<typeof createHost> | undefined;
    const recorder = defineAllocationPolicy({
      name: 'recorder',
      options: z.object({}),
      create: () => ({
        contract: 'allocation-policy@1',
        name: 'recorder',
        targets: (input) => {
          available.push(input.available);
          savings.push(nonZeroSavings(host!));
          zeros.push(host!.machine.refCount(host!.machine.zeroFrame));
          return Float64Array.from(input.vms, (vm) => vm.max);
        },
      }),
    });
    const idlePolicy = defineReclamationPolicy({
      name: 'idle',
      options: z.object({}),
      create: () => ({
        contract: 'reclamation-policy@1',
        name: 'idle',
        sharedSavings,
        plan: () => ({ actions: [], blocked: [] }),
      }),
    });
    host = createHost({
      frames: parsePages('8MiB'),
      swapPages: parsePages('8MiB'),
      seed: 1,
      quantum: time.ms(1),
      vms: vms.map((vm) => ({
        ...vm,
        guest: { definition: windowsGuest, options: { bootTime: '1ms' } },
        workload: {
          definition: phased,
          options: {
            content: 'os-image',
            repeat: false,
            phases: [
              { duration: '20ms', pages: 0.5, writeFraction: 1 },
              { duration: '1s', pages: 0.5, writeFraction: 0 },
            ],
          },
        },
      })),
      policies: {
        allocation: { definition: recorder },
        reclamation: { definition: idlePolicy },
        sharing: { definition: contentBased, options: {} },
      },
      periods: { rebalance: time.ms(10), shareScan: time.ms(5), shareBudget: 4096 },
    });
    host.run(time.ms(60));
    return { available, savings, zeros };
  }

  /** Pages mapped onto shared frames of non-zero contents, less those frames: found page by page. */
  function nonZeroSavings(host: ReturnType<typeof createHost>): number {
    const { machine } = host;
    const frames = new Set<number>();
    let mapped = 0;
    for (const vm of machine.vms()) {
      for (let ppn = 0; ppn < machine.pageCount(vm); ppn++) {
        const mpn = machine.frameOf(vm, ppn);
        if (machine.pageState(vm, ppn) !== PageState.Shared || mpn === machine.zeroFrame) continue;
        mapped++;
        frames.add(mpn!);
      }
    }
    return mapped - frames.size;
  }

  it('is machine memory, and with sharedSavings what sharing non-zero pages saves too', () => {
    const plain = offered(false);
    const counted = offered(true);
    expect(Math.max(...counted.savings)).toBeGreaterThan(100); // the two VMs share their image's pages
    expect(Math.max(...counted.zeros)).toBeGreaterThan(100); // and Windows' zeroed pages, which do not count
    expect(counted.savings).toEqual(plain.savings); // the runs are alike but for what is offered
    expect(counted.available.map((a, i) => a - plain.available[i]!)).toEqual(counted.savings);
  });
});
