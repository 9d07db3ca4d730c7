import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { type BalanceProblem, exactBalance, greedyBalance, totalMisses } from './meb-solver';

/** A non-increasing miss curve of up to `points` points. */
const curve = (points: number, convex: boolean) =>
  fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: points }).map((drops) => {
    // Sorted drops, largest first, make a convex curve; as drawn, any non-increasing one.
    const steps = convex ? [...drops].sort((a, b) => b - a) : drops;
    const misses = [steps.reduce((a, b) => a + b, 0)];
    for (const d of steps) misses.push(misses.at(-1)! - d);
    return misses;
  });

const problem = (vms: number, points: number, convex = false): fc.Arbitrary<BalanceProblem> =>
  fc
    .array(fc.record({ misses: curve(points, convex), min: fc.nat(2), extra: fc.nat(points) }), {
      minLength: 1,
      maxLength: vms,
    })
    .chain((raw) => {
      const list = raw.map(({ misses, min, extra }) => ({ misses, min, max: min + extra }));
      const mins = list.reduce((a, vm) => a + vm.min, 0);
      return fc.record({ budget: fc.integer({ min: mins, max: mins + 2 * points }), vms: fc.constant(list) });
    });

/** Every feasible allocation's misses, the fewest. */
function bruteForce(p: BalanceProblem): number {
  let best = Number.POSITIVE_INFINITY;
  const walk = (i: number, left: number, units: number[]) => {
    if (i === p.vms.length) {
      best = Math.min(best, totalMisses(p, units));
      return;
    }
    const vm = p.vms[i]!;
    for (let k = vm.min; k <= Math.min(vm.max, left); k++) walk(i + 1, left - k, [...units, k]);
  };
  walk(0, p.budget, []);
  return best;
}

const feasible = (p: BalanceProblem, units: Int32Array) => {
  expect(units.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(p.budget);
  p.vms.forEach((vm, i) => {
    expect(units[i]).toBeGreaterThanOrEqual(vm.min);
    expect(units[i]).toBeLessThanOrEqual(vm.max);
  });
};

test.prop([problem(4, 12)])('both solvers keep within the budget and every VM’s bounds', (p) => {
  feasible(p, exactBalance(p));
  feasible(p, greedyBalance(p));
});

test.prop([problem(3, 6)])('the exact solver finds the fewest misses of any feasible allocation', (p) => {
  expect(totalMisses(p, exactBalance(p))).toBe(bruteForce(p));
});

test.prop([problem(4, 12, true)])('on convex curves the greedy solver is optimal too', (p) => {
  expect(totalMisses(p, greedyBalance(p))).toBe(totalMisses(p, exactBalance(p)));
});

test.prop([problem(4, 12)])(
  'never more misses than the even split, where the even split is feasible',
  (p) => {
    const share = Math.floor(p.budget / p.vms.length);
    const even = Int32Array.from(p.vms, (vm) => Math.min(vm.max, Math.max(vm.min, share)));
    fc.pre(even.reduce((a, b) => a + b, 0) <= p.budget);
    expect(totalMisses(p, exactBalance(p))).toBeLessThanOrEqual(totalMisses(p, even));
  },
);

test.prop([problem(4, 12)])('a pure function of the problem', (p) => {
  expect(exactBalance(p)).toEqual(exactBalance(structuredClone(p)));
  expect(greedyBalance(p)).toEqual(greedyBalance(structuredClone(p)));
});

it('gives memory to the VM that misses most without it, and names bad input', () => {
  const p = {
    budget: 6,
    vms: [
      { min: 1, max: 6, misses: [100, 50, 40, 35, 33, 32, 31] }, // most of its benefit in the first units
      { min: 1, max: 6, misses: [100, 90, 80, 70, 60, 50, 40] }, // a steady gain per unit
    ],
  };
  expect(Array.from(exactBalance(p))).toEqual([2, 4]);
  expect(Array.from(greedyBalance(p))).toEqual([2, 4]);
  expect(() => exactBalance({ ...p, budget: 1 })).toThrow(/^budget: .*minimums \(2\)/);
  expect(() => greedyBalance({ budget: 4, vms: [{ min: 3, max: 2, misses: [1] }] })).toThrow(/^vms\[0\]: /);
});
