import { fc, test } from '@fast-check/vitest';
import type { AllocationInput, MissRatioCurve } from '@hvsim/spec';
import { allocationInput } from '@hvsim/spec/testing';
import { expect, it } from 'vitest';
import { mebBalancer, mebTargets } from './meb-balancer';
import { totalMisses } from './meb-solver';

const context = { random: undefined as never, emit: () => {} };
const withNow = (input: Omit<AllocationInput, 'now'>): AllocationInput => ({ now: 0, ...input });

test.prop([allocationInput(), fc.constantFrom('greedy' as const, 'exact' as const)])(
  'targets stay within each VM’s bounds and what is available; when working sets fit, each gets its own',
  (input, solver) => {
    const targets = mebTargets(input, { solver, grid: 64 });
    input.vms.forEach((vm, i) => {
      expect(targets[i]).toBeGreaterThanOrEqual(vm.min);
      expect(targets[i]).toBeLessThanOrEqual(vm.max);
    });
    expect(targets.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.max(input.available, 0));
    const wss = input.vms.map((vm) => Math.min(vm.max, Math.max(vm.min, vm.activePages)));
    if (wss.reduce((a, b) => a + b, 0) <= input.available) {
      wss.forEach((w, i) => {
        expect(targets[i]).toBeGreaterThanOrEqual(w);
      });
    }
  },
);

/** A curve falling linearly from 1 to `floor` at `knee` pages, flat after. */
const kneeCurve = (knee: number, floor: number, references: number): MissRatioCurve => ({
  sizes: Float64Array.from([knee / 4, knee / 2, knee, 4 * knee]),
  missRatios: Float64Array.from([1 - 0.25 * (1 - floor), 1 - 0.5 * (1 - floor), floor, floor]),
  references,
});

it('over committed, gives memory where it saves the most misses, never more misses than an even split', () => {
  const vms = [
    {
      min: 0,
      max: 1000,
      shares: 1,
      activePages: 900,
      allocated: 500,
      missRatioCurve: kneeCurve(900, 0.01, 1e6),
    },
    {
      min: 0,
      max: 1000,
      shares: 1,
      activePages: 900,
      allocated: 500,
      missRatioCurve: kneeCurve(900, 0.5, 1e3),
    },
  ];
  const input = withNow({ available: 1000, vms });
  for (const solver of ['greedy', 'exact'] as const) {
    const targets = mebTargets(input, { solver, grid: 100 });
    expect(targets[0]).toBe(900); // its whole working set: a million references fall on it
    expect(targets[1]).toBe(100);
    // Against the even split, on the same curves.
    const curve = (i: number) =>
      Array.from({ length: 101 }, (_, k) => {
        const c = vms[i]!.missRatioCurve;
        const size = k * 10;
        const at = size >= 900 ? c.missRatios[2]! : 1 - (size / 900) * (1 - c.missRatios[2]!);
        return c.references * at;
      });
    const problem = { budget: 100, vms: [0, 1].map((i) => ({ min: 0, max: 100, misses: curve(i) })) };
    expect(totalMisses(problem, [targets[0]! / 10, targets[1]! / 10])).toBeLessThanOrEqual(
      totalMisses(problem, [50, 50]),
    );
  }
});

it('plugs into a host by name', () => {
  const policy = mebBalancer.create({}, context);
  expect(Array.from(policy.targets(withNow({ available: 100, vms: [] })))).toEqual([]);
  expect(() => mebBalancer.create({ solver: 'random' } as never, context)).toThrow(/solver/);
});
