import { fc, test } from '@fast-check/vitest';
import { createMachine } from '@hvsim/machine';
import { createRandom, time } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type DamonMonitor, damon } from './damon';

function setup(pages: number, options: Record<string, unknown> = {}, seed = 1) {
  const machine = createMachine({ frames: pages + 16 });
  const vm = machine.addVm({ pages });
  const monitor = damon.create(options, { random: createRandom(seed), emit: () => {} }) as DamonMonitor;
  monitor.attach({ vm, machine, traps: machine.traps });
  /** Touches pages [from, to) every 50 ms of VM time for `ns`. */
  const run = (from: number, to: number, ns: number) => {
    for (let t = 0; t < ns; t += time.ms(50)) {
      for (let p = from; p < to; p++) machine.read(vm, p);
      machine.charge(vm, time.ms(50));
      monitor.tick(machine.vmTime(vm));
    }
  };
  return { monitor, run };
}

/** The regions cover [0, pages) in order, without gaps or overlaps. */
function expectPartition(monitor: DamonMonitor, pages: number): void {
  const bounds = monitor.regionBounds();
  expect(bounds[0]![0]).toBe(0);
  expect(bounds.at(-1)![1]).toBe(pages);
  for (let r = 0; r < bounds.length; r++) {
    expect(bounds[r]![1]).toBeGreaterThan(bounds[r]![0]);
    if (r > 0) expect(bounds[r]![0]).toBe(bounds[r - 1]![1]);
  }
}

describe('the DAMON-style monitor', () => {
  it('finds a hot range: regions follow it and the estimate converges to its size', () => {
    const { monitor, run } = setup(4000);
    run(1000, 1500, time.s(60));
    expect(Math.abs(monitor.estimate().activePages - 500)).toBeLessThan(100);
    const bounds = monitor.regionBounds();
    // Some region boundary lies near each edge of the hot range.
    for (const edge of [1000, 1500]) {
      expect(Math.min(...bounds.map(([s]) => Math.abs(s - edge)))).toBeLessThan(60);
    }
  });

  test.prop([
    fc.integer({ min: 30, max: 3000 }),
    fc.integer({ min: 0, max: 100 }),
    fc.integer({ min: 0, max: 100 }),
    fc.integer({ min: 10, max: 40 }),
  ])(
    'keeps its regions a partition of memory, within maxRegions, checking at most one page per region',
    (pages, a, b, maxRegions) => {
      const { monitor, run } = setup(pages, {
        minRegions: 5,
        maxRegions,
        samplingInterval: '100ms',
        aggregationInterval: '500ms',
      });
      const [lo, hi] = [
        Math.floor((Math.min(a, b) * pages) / 100),
        Math.floor((Math.max(a, b) * pages) / 100),
      ];
      let checks = 0;
      for (let i = 0; i < 30; i++) {
        run(lo, hi, time.ms(100));
        expectPartition(monitor, pages);
        expect(monitor.regions).toBeLessThanOrEqual(maxRegions);
        expect(monitor.checks - checks).toBeLessThanOrEqual(maxRegions);
        checks = monitor.checks;
      }
    },
  );

  it('checks its options, naming the field', () => {
    const ctx = { random: createRandom(1), emit: () => {} };
    expect(() => damon.create({ minRegions: 600 }, ctx)).toThrow(/minRegions/);
    expect(() => damon.create({ samplingInterval: '10s' }, ctx)).toThrow(/samplingInterval/);
  });
});
