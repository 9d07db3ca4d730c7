import { fc } from '@fast-check/vitest';
import { type LruStatistics, lruStatistics } from '@hvsim/detectors';
import { windowsGuest } from '@hvsim/guest';
import { parsePages, type SimEvent, time } from '@hvsim/spec';
import { idle, sequential, zipf } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { createHost } from './host';
import { zipfVm } from './host.fixture';
import type { HostConfig, VmConfig } from './host-config';

const vm = (name: string, extra: Partial<VmConfig> = {}): VmConfig => zipfVm(name, '10ms', extra);

/** Three 4 MiB VMs on 6 MiB of host memory: overcommitted 2×. Short quanta, so runs of 100 ms say much. */
const overcommitted = (extra: Partial<HostConfig> = {}): HostConfig => ({
  frames: parsePages('6MiB'),
  swapPages: parsePages('16MiB'),
  seed: 7,
  quantum: time.ms(1),
  metricInterval: time.ms(25),
  vms: [vm('a'), vm('b'), vm('c')],
  ...extra,
});

const series = (host: ReturnType<typeof createHost>, vmName: string | undefined, name: string) =>
  host.metrics().series.find((s) => s.vm === vmName && s.name === name)!.values;

describe('host kernel', () => {
  it('stops at a workload that names pages its guest does not have, naming the VM and the workload', () => {
    const host = createHost(
      overcommitted({ vms: [vm('a', { workload: { definition: zipf, options: { pages: 100_000 } } })] }),
    );
    expect(() => host.run(time.ms(20))).toThrow(
      /^vm "a": its zipf workload names virtual page \d+, outside \[0, 2048\): a size in the workload's options is larger than the guest's virtual memory/,
    );
  });

  it('runs overcommitted VMs with every machine invariant holding after every quantum', () => {
    const host = createHost(overcommitted({ checkInvariants: true }));
    host.run(time.ms(100));
    const stats = host.stats();
    expect(stats.simulatedTime).toBe(time.ms(100));
    for (const v of stats.vms) {
      expect(v.poweredOn).toBe(true);
      expect(v.ops).toBeGreaterThan(1000);
    }
    expect(host.machine.usedSwapSlots).toBeGreaterThan(0); // the host paged to fit 12 MiB into 6
    expect([...host.metrics().times]).toEqual([0, 25, 50, 75, 100].map((ms) => time.ms(ms)));
    for (const name of ['a', 'b', 'c']) {
      // A VM waiting on host swap-ins (8 ms each) may complete nothing in one interval, but it progresses.
      expect(series(host, name, 'throughput').reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(series(host, name, 'allocated').at(-1)).toBeGreaterThan(0);
      expect(series(host, name, 'swapped').at(-1)).toBeGreaterThan(0);
    }
    expect(series(host, undefined, 'free').length).toBe(5);
  });

  it('keeps every VM within a quantum of host time', () => {
    const host = createHost(overcommitted());
    host.run(time.ms(50));
    for (const name of ['a', 'b', 'c']) {
      const clock = host.machine.vmTime(host.vmId(name)!);
      expect(clock).toBeGreaterThanOrEqual(time.ms(50));
      // The guest stops at the first fault past the deadline: a few disk or swap waits at most.
      expect(clock).toBeLessThan(time.ms(50) + time.ms(40));
    }
  });

  it('is deterministic: same configuration and seed, byte-identical metrics and event log', () => {
    const run = (seed: number) => {
      const host = createHost(overcommitted({ seed }));
      host.run(time.ms(50));
      const table = host.metrics();
      const { machine } = host;
      return JSON.stringify({
        times: [...table.times],
        series: table.series.map((s) => ({ ...s, values: [...s.values] })),
        events: host.events,
        contents: machine
          .vms()
          .map((v) => Array.from({ length: machine.pageCount(v) }, (_, p) => machine.peek(v, p))),
      });
    };
    expect(run(11)).toBe(run(11));
    expect(run(11)).not.toBe(run(12));
  });

  it('runs on from a pause as if never paused: a run paused after any quanta is the same run', () => {
    const snapshot = (host: ReturnType<typeof createHost>) => {
      const table = host.metrics();
      return JSON.stringify({
        times: [...table.times],
        series: table.series.map((s) => ({ ...s, values: [...s.values] })),
        events: host.events,
      });
    };
    const whole = createHost(overcommitted());
    whole.run(time.ms(40));
    const expected = snapshot(whole);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 45 }), { maxLength: 6 }), (pauses) => {
        const host = createHost(overcommitted());
        let quanta = 0;
        let runs = 0;
        while (host.stats().simulatedTime < time.ms(40)) {
          runs++;
          host.run(time.ms(40), () => !pauses.includes(++quanta));
        }
        expect(runs).toBe(1 + pauses.filter((q) => q < quanta).length);
        expect(snapshot(host)).toBe(expected);
      }),
      { numRuns: 8 },
    );
  });

  it('refuses a VM whose minimum does not fit, and logs why', () => {
    const host = createHost(
      overcommitted({ vms: [vm('a', { min: parsePages('4MiB') }), vm('b', { min: parsePages('4MiB') })] }),
    );
    const refused = host.events.filter((e: SimEvent) => e.kind === 'admission-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.data).toMatchObject({ name: 'b' });
    expect(String(refused[0]!.data!['reason'])).toMatch(/guaranteed memory \(min\) and overhead/);
    expect(host.stats().vms.map((v) => v.poweredOn)).toEqual([true, false]);
    expect(host.stats().vms[1]!.refused).toBe(refused[0]!.data!['reason']);
    expect(host.stats().vms[0]).not.toHaveProperty('refused');
  });

  it('powers VMs on and off on schedule, freeing their memory', () => {
    const host = createHost(
      overcommitted({
        vms: [
          vm('early', { powerOff: time.ms(20) }),
          vm('late', { powerOn: time.ms(10), workload: { definition: idle, options: {} } }),
          vm('win', { guest: { definition: windowsGuest, options: { bootTime: '10ms' } } }),
        ],
      }),
    );
    expect(host.vmId('late')).toBeUndefined();
    host.run(time.ms(15));
    expect(host.vmId('late')).toBeDefined();
    host.run(time.ms(30));
    expect(host.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['power-on', 'power-off', 'vm-added', 'vm-removed']),
    );
    expect(host.machine.vms()).toHaveLength(2);
    expect(host.stats().vms.find((v) => v.name === 'early')!.poweredOn).toBe(false);
  });

  it('tells the detectors the guest’s swap I/O: MEB’s curve reaches past the memory of a paging VM', () => {
    // A loop over 12 MiB in an 8 MiB VM: the guest pages out just before each page is needed again.
    let detector: LruStatistics | undefined;
    const tracked = {
      ...lruStatistics,
      create: (...args: Parameters<typeof lruStatistics.create>) =>
        (detector = lruStatistics.create(...args) as LruStatistics),
    };
    const pages = parsePages('8MiB');
    const loop = parsePages('12MiB');
    const host = createHost({
      frames: parsePages('32MiB'),
      swapPages: parsePages('16MiB'), // admission wants max − min in host swap; the host never pages
      seed: 1,
      vms: [
        vm('pager', {
          pages,
          workload: { definition: sequential, options: { pages: loop } },
          detector: { definition: tracked, options: { hotPages: 64, period: '1h' } },
        }),
      ],
    });
    host.run(time.s(90)); // about three passes: each page read back from the guest's swap costs a disk read
    expect(series(host, 'pager', 'guest-swap-ins').at(-1)).toBeGreaterThan(loop);
    expect(series(host, 'pager', 'swapped').at(-1)).toBe(0);
    // It needs the loop and its kernel's pages: more than it has, and the curve says misses stop there.
    expect(detector!.workingSet).toBeGreaterThan(loop);
    expect(detector!.workingSet).toBeLessThan(loop * 1.05);
    expect(detector!.estimate().activePages).toBe(pages);
    // Below the loop every read back from the guest's swap misses, and every first touch; the hits there are
    // the first pass's (each new page used right after the kernel cleared it, and pages on recycled frames).
    // At the loop's size only the first touches miss.
    const h = detector!.histogram;
    const { missRatios } = h.curve([pages, Math.ceil(loop * 1.05)]);
    const swapIns = series(host, 'pager', 'guest-swap-ins').at(-1)!;
    expect(missRatios[0]! * h.total).toBeGreaterThanOrEqual(swapIns + h.cold - 1e-6);
    expect(h.total - missRatios[0]! * h.total).toBeLessThan(2 * loop);
    expect(missRatios[1]! * h.total).toBeCloseTo(h.cold, 6);
  });

  it('refuses two VMs with one name, naming the field', () => {
    expect(() => createHost(overcommitted({ vms: [vm('a'), vm('a')] }))).toThrow(/vms\[1\]\.name/);
  });
});
