import {
  defineSharingEngine,
  defineWorkload,
  HvsimError,
  MAX_SCALE,
  parsePages,
  type SimTime,
  time,
} from '@hvsim/spec';
import { zipf, zipfOptions } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHost } from './host';
import { zipfVm } from './host.fixture';
import type { HostConfig, VmConfig } from './host-config';
import { miniatureConfig, scaleOfConfig } from './miniature';

const vm = (name: string, extra: Partial<VmConfig> = {}): VmConfig => zipfVm(name, '5ms', extra);

/** Two 4 MiB Zipf VMs on 12 MiB of host memory, sampled every 25 ms. */
const tiny = (extra: Partial<HostConfig> = {}): HostConfig => ({
  frames: parsePages('12MiB'),
  swapPages: parsePages('8MiB'),
  seed: 5,
  quantum: time.ms(1),
  metricInterval: time.ms(25),
  vms: [vm('a'), vm('b', { workload: { definition: zipf, options: { pages: 0.5, alpha: 0.8 } } })],
  ...extra,
});

describe('scaleOfConfig', () => {
  it('is 1 when no scale is given, else the scale', () => {
    expect(scaleOfConfig(tiny())).toBe(1);
    expect(scaleOfConfig(tiny({ scale: 16 }))).toBe(16);
    expect(scaleOfConfig(tiny({ scale: MAX_SCALE }))).toBe(MAX_SCALE);
  });

  it.each([0, -2, 1.5, MAX_SCALE + 1, Number.NaN])('refuses %s, naming `scale`', (scale) => {
    const check = () => scaleOfConfig(tiny({ scale }));
    expect(check).toThrow(HvsimError);
    expect(check).toThrow(new RegExp(`^scale: expected a whole number from 1 to ${MAX_SCALE}, got`));
    try {
      check();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid-scale', field: 'scale' });
    }
  });

  it('stops a host being created at a bad scale', () => {
    expect(() => createHost(tiny({ scale: 3.5 }))).toThrow(/^scale: expected a whole number/);
  });
});

describe('miniatureConfig', () => {
  const full = tiny({
    reservedFrames: 100,
    periods: { rebalance: time.s(5), shareBudget: 7 },
    vms: [vm('a', { min: 1000, overheadPages: 30, shares: 2000 }), vm('b', { pages: 3 })],
  });

  it('divides host memory, reserve, swap and every VM’s memory, minimum and overhead', () => {
    const mini = miniatureConfig(full, 4);
    expect(mini).toMatchObject({
      frames: 768,
      reservedFrames: 25,
      swapPages: 512,
      seed: 5,
      quantum: time.ms(1),
      metricInterval: time.ms(25),
    });
    expect(mini.vms[0]).toMatchObject({ name: 'a', pages: 256, min: 250, overheadPages: 8, shares: 2000 });
    expect(mini.vms[0]!.guest).toBe(full.vms[0]!.guest);
    expect(mini.vms[1]!.pages).toBe(1); // 3 pages are at least one
    expect(full.frames).toBe(3072); // the full configuration is left as it was
  });

  it('divides the share-scan budget (a rate in pages), unrounded, and keeps the periods', () => {
    expect(miniatureConfig(full, 4).periods).toEqual({ rebalance: time.s(5), shareBudget: 1.75 });
    // Left out, the default 200 pages per scan is divided.
    expect(miniatureConfig(tiny(), 64).periods).toEqual({ shareBudget: 200 / 64 });
  });

  it('leaves out what was left out, so its default applies to the miniature', () => {
    const { swapPages: _, ...noSwap } = tiny();
    const mini = miniatureConfig(noSwap, 8);
    expect('reservedFrames' in mini).toBe(false);
    expect('swapPages' in mini).toBe(false);
    expect('min' in mini.vms[0]!).toBe(false);
    expect('overheadPages' in mini.vms[0]!).toBe(false);
  });

  it('keeps at least 2 frames (the zero page and one more)', () => {
    expect(miniatureConfig(tiny({ frames: 40 }), 64).frames).toBe(2);
    expect(miniatureConfig(tiny({ frames: 200 }), 64).frames).toBe(3);
  });

  it('is the same configuration at scale 1', () => {
    const config = tiny();
    expect(miniatureConfig(config, 1)).toBe(config);
  });
});

/** A Zipf workload that notes the scale and VM size it was created with, and each batch's capacity. */
function recordingZipf() {
  const seen = {
    contexts: [] as { scale: number | undefined; vmPages: number }[],
    capacities: new Set<number>(),
  };
  const definition = defineWorkload({
    name: 'recording-zipf',
    options: zipfOptions,
    create(options, ctx) {
      seen.contexts.push({ scale: ctx.scale, vmPages: ctx.vmPages });
      const inner = zipf.create(options, ctx);
      return {
        ...inner,
        fill: (batch, now: SimTime) => {
          seen.capacities.add(batch.capacity);
          return inner.fill(batch, now);
        },
      };
    },
  });
  return { definition, seen };
}

describe('a host at a scale', () => {
  it('simulates the miniature: machine, VMs and costs divided or multiplied', () => {
    const host = createHost(tiny({ scale: 4 }));
    expect(host.scale).toBe(4);
    expect(host.machine.totalFrames).toBe(768);
    expect(host.machine.swapSlots).toBe(512);
    expect(host.machine.costs.access).toBe(400);
    host.run(time.ms(10));
    expect(host.machine.pageCount(host.vmId('a')!)).toBe(256);
  });

  it('hands the workload the scale, and fills batches of 4096/scale ops', () => {
    // A 64 MiB VM is 16384 pages: at scale 3, 5461.33 rounds to 5461 (and its batch to 1365 ops).
    for (const [scale, vmPages, capacity] of [
      [1, 16_384, 4096],
      [4, 4096, 1024],
      [3, 5461, 1365],
      [MAX_SCALE, 4, 1],
    ] as const) {
      const { definition, seen } = recordingZipf();
      const host = createHost(
        tiny({
          scale,
          frames: parsePages('80MiB'),
          swapPages: parsePages('64MiB'),
          vms: [vm('a', { pages: parsePages('64MiB'), workload: { definition } })],
        }),
      );
      host.run(time.ms(scale === MAX_SCALE ? 200 : 8)); // a page fault costs 16 ms at MAX_SCALE
      expect(seen.contexts, `scale ${scale}`).toEqual([{ scale, vmPages }]);
      expect([...seen.capacities], `scale ${scale}`).toEqual([capacity]);
    }
  });

  it('gives the sharing engine the divided budget per scan, the fraction carried', () => {
    const budgets: number[] = [];
    const counter = defineSharingEngine({
      name: 'counter',
      options: z.object({}),
      create: (_options, ctx) => {
        expect(ctx.scale).toBe(64);
        return {
          contract: 'sharing-engine@1',
          name: 'counter',
          attach: () => {},
          scan: (budget) => {
            budgets.push(budget);
            return { scanned: 0, shared: 0 };
          },
        };
      },
    });
    const host = createHost(
      tiny({
        scale: 64,
        policies: { sharing: { definition: counter } },
        periods: { shareScan: time.ms(1), shareBudget: 100 },
      }),
    );
    host.run(time.ms(64));
    // 100 pages a scan is 1.5625 at scale 64: 1 or 2 each time, 100 over 64 scans.
    expect(new Set(budgets)).toEqual(new Set([1, 2]));
    expect(budgets.slice(0, 64).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('reports metrics and stats scaled back to the full host, of the same magnitude as a full run', () => {
    const run = (scale: number) => {
      const host = createHost(tiny({ scale }));
      host.run(time.ms(200));
      return host;
    };
    const full = run(1);
    const mini = run(4);
    const mean = (host: typeof full, vmName: string | undefined, name: string) => {
      const values = host.metrics().series.find((s) => s.vm === vmName && s.name === name)!.values;
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    for (const name of ['a', 'b']) {
      for (const metric of ['allocated', 'throughput', 'target']) {
        const f = mean(full, name, metric);
        expect(f, `${name} ${metric}`).toBeGreaterThan(0);
        expect(mean(mini, name, metric) / f, `${name} ${metric}`).toBeGreaterThan(0.75);
        expect(mean(mini, name, metric) / f, `${name} ${metric}`).toBeLessThan(1.25);
      }
      // A VM's target is its configured memory in both: 1024 pages.
      expect(mean(mini, name, 'target')).toBe(1024);
    }
    expect(mean(mini, undefined, 'free') / mean(full, undefined, 'free')).toBeGreaterThan(0.75);
    expect(mean(mini, undefined, 'free') / mean(full, undefined, 'free')).toBeLessThan(1.25);

    expect(mini.metrics().scale).toBe(4);
    expect(full.metrics()).not.toHaveProperty('scale');
    const stats = mini.stats();
    expect(stats.scale).toBe(4);
    expect(full.stats().scale).toBe(1);
    const guestOps = ['a', 'b'].map((name) => mini.guest(name)!.counters().ops);
    expect(stats.vms.map((v) => v.ops)).toEqual(guestOps.map((ops) => 4 * ops));
    expect(stats.ops).toBe(4 * (guestOps[0]! + guestOps[1]!));
    expect(stats.ops / full.stats().ops).toBeGreaterThan(0.75);
    expect(stats.ops / full.stats().ops).toBeLessThan(1.25);
    expect(stats.freePages).toBe(4 * mini.machine.freeFrames);
    expect(stats.swapUsedPages).toBe(4 * mini.machine.usedSwapSlots);
  });

  it('runs the same at scale 1 as with no scale', () => {
    const digest = (config: HostConfig) => {
      const host = createHost(config);
      host.run(time.ms(50));
      const table = host.metrics();
      return JSON.stringify({ series: table.series.map((s) => [...s.values]), stats: host.stats() });
    };
    expect(digest(tiny({ scale: 1 }))).toBe(digest(tiny()));
  });
});
