import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TaxKind } from './idle-tax';
import { type AllocationProblem, entitlements, revokeIncrementally, waterFill } from './min-funding';

const MiB = 256; // pages

/** Unclamped problems (min 0, max all of memory), as the reference's provable properties assume. */
const unclamped = fc
  .record({
    available: fc.integer({ min: 10, max: 100_000 }),
    vms: fc.array(
      fc.record({
        shares: fc.integer({ min: 1, max: 1000 }),
        activeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    tau: fc.double({ min: 0, max: 0.95, noNaN: true }),
    kind: fc.constantFrom<TaxKind>('flat', 'progressive'),
  })
  .map(({ available, vms, tau, kind }) => ({
    available,
    tau,
    kind,
    vms: vms.map((vm) => ({ min: 0, max: available, shares: vm.shares, active: vm.activeShare * available })),
  }));

const sum = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0);
const close = (eps: number) => (a: number, b: number) => Math.abs(a - b) <= eps;

describe('min-funding revocation with the idle memory tax (water-fill)', () => {
  test.prop([unclamped])('shares out exactly what is available, each VM within its bounds', (problem) => {
    const targets = waterFill(problem);
    expect(sum(targets)).toBeCloseTo(problem.available, 3);
    targets.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual(problem.vms[i]!.min);
      expect(t).toBeLessThanOrEqual(problem.vms[i]!.max);
    });
  });

  test.prop([unclamped])('with no tax, targets follow the shares whatever the activity', (problem) => {
    const targets = waterFill({ ...problem, tau: 0 });
    const shares = problem.vms.reduce((a, vm) => a + vm.shares, 0);
    targets.forEach((t, i) => {
      expect(t).toBeCloseTo((problem.available * problem.vms[i]!.shares) / shares, 4);
    });
  });

  test.prop([unclamped, fc.double({ min: 0.01, max: 100, noNaN: true })])(
    'multiplying every VM’s shares by one factor changes nothing',
    (problem, factor) => {
      const scaled = { ...problem, vms: problem.vms.map((vm) => ({ ...vm, shares: vm.shares * factor })) };
      const a = waterFill(problem);
      const b = waterFill(scaled);
      a.forEach((t, i) => {
        expect(close(1e-6 * problem.available)(t, b[i]!)).toBe(true);
      });
    },
  );

  test.prop([unclamped])('VMs alike in shares and activity get alike targets', (problem) => {
    const twin = problem.vms[0]!;
    const targets = waterFill({ ...problem, vms: [twin, ...problem.vms] });
    expect(targets[0]).toBeCloseTo(targets[1]!, 4);
  });

  test.prop([unclamped])(
    'a VM at least as active as its entitlement keeps it; an idler one loses at most tau of its idle part',
    (problem) => {
      const targets = waterFill(problem);
      const e0 = entitlements(problem);
      const eps = 1e-6 * problem.available;
      problem.vms.forEach((vm, i) => {
        if (vm.active >= e0[i]!) expect(targets[i]!).toBeGreaterThanOrEqual(e0[i]! - eps);
        else expect(e0[i]! - targets[i]!).toBeLessThanOrEqual(problem.tau * (e0[i]! - vm.active) + eps);
      });
    },
  );

  test.prop([unclamped, fc.double({ min: 0, max: 0.95, noNaN: true })])(
    'the least active VM (against its entitlement) never gains as the tax rises',
    (problem, other) => {
      const [low, high] = [Math.min(problem.tau, other), Math.max(problem.tau, other)];
      const e0 = entitlements(problem);
      let least = 0;
      problem.vms.forEach((vm, i) => {
        if (vm.active / e0[i]! < problem.vms[least]!.active / e0[least]!) least = i;
      });
      const before = waterFill({ ...problem, tau: low })[least]!;
      const after = waterFill({ ...problem, tau: high })[least]!;
      expect(after).toBeLessThanOrEqual(before + 1e-6 * problem.available);
    },
  );

  it('reproduces ESX Figure 7: 179 / 179 MB with no tax, about 101.5 / 242.5 MB at 75%', () => {
    const vms = (a2: number, max = 256) => [
      { min: 0, max: max * MiB, shares: 1, active: 10 * MiB },
      { min: 0, max: max * MiB, shares: 1, active: a2 * MiB },
    ];
    const free = waterFill({ available: 358 * MiB, tau: 0, vms: vms(198) });
    expect(Array.from(free, (t) => t / MiB)).toEqual([179, 179]);
    const taxed = waterFill({ available: 344 * MiB, tau: 0.75, vms: vms(198) });
    expect(taxed[0]! / MiB).toBeCloseTo(101.5, 0);
    expect(taxed[1]! / MiB).toBeCloseTo(242.5, 0);
    // Unclamped, a fully active VM2: 10 + 4 (T1 − 10) = T2 = 344 − T1, so 5 T1 = 374.
    const active = waterFill({ available: 344 * MiB, tau: 0.75, vms: vms(344, 344) });
    expect(active[0]! / MiB).toBeCloseTo(74.8, 1);
  });

  it('gives every VM its max when the maxima fit, and a VM with no shares exactly its min', () => {
    const vms = [
      { min: 10, max: 100, shares: 0, active: 100 },
      { min: 0, max: 100, shares: 5, active: 0 },
    ];
    expect(Array.from(waterFill({ available: 500, vms }))).toEqual([10, 100]);
    expect(Array.from(waterFill({ available: 150, vms, tau: 0.5 }))).toEqual([10, 100]);
    expect(Array.from(waterFill({ available: 500, vms: [{ ...vms[0]!, shares: 1 }, vms[1]!] }))).toEqual([
      100, 100,
    ]);
  });

  it('names what is wrong with a problem', () => {
    const vm = { min: 0, max: 10, shares: 1, active: 0 };
    expect(() => waterFill({ available: -1, vms: [vm] })).toThrow(/^available: /);
    expect(() => waterFill({ available: 5, vms: [{ ...vm, min: 6 }] })).toThrow(
      /^available: expected at least/,
    );
    expect(() => waterFill({ available: 5, vms: [{ ...vm, min: 11 }] })).toThrow(/^vms\[0\]: /);
    expect(() => waterFill({ available: 5, vms: [{ ...vm, shares: -1 }] })).toThrow(/^vms\[0\]\.shares: /);
    expect(() => waterFill({ available: 5, vms: [vm], tau: 1 })).toThrow(/^tau: /);
    expect(() => waterFill({ available: 5, vms: [{ ...vm, tau: -0.1 }] })).toThrow(/^vms\[0\]\.tau: /);
    expect(() => revokeIncrementally({ available: 5, vms: [vm] }, 0)).toThrow(/^step: /);
  });
});

/** Small problems with bounds, per-VM rates and zero shares: the incremental loop runs page by page. */
const bounded: fc.Arbitrary<AllocationProblem> = fc
  .array(
    fc.record({
      min: fc.integer({ min: 0, max: 40 }),
      extra: fc.integer({ min: 0, max: 120 }),
      shares: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
      active: fc.integer({ min: 0, max: 160 }),
      tau: fc.option(fc.constantFrom(0, 0.25, 0.5, 0.75, 0.9), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .chain((raw) => {
    const vms = raw.map(({ min, extra, shares, active, tau }) => ({
      min,
      max: min + extra,
      shares,
      active,
      ...(tau === undefined ? {} : { tau }),
    }));
    const mins = vms.reduce((a, vm) => a + vm.min, 0);
    const maxes = vms.reduce((a, vm) => a + vm.max, 0);
    return fc.record({
      available: fc.integer({ min: mins, max: maxes }),
      vms: fc.constant(vms),
      tau: fc.constantFrom(0, 0.5, 0.75),
      kind: fc.constantFrom<TaxKind>('flat', 'progressive'),
    });
  });

test.prop([bounded])(
  'the incremental loop (fewest shares per page gives a page) and the water-fill agree to a page per VM',
  (problem) => {
    const incremental = revokeIncrementally(problem);
    const closed = waterFill(problem);
    incremental.forEach((t, i) => {
      expect(Math.abs(t - closed[i]!)).toBeLessThanOrEqual(1 + 1e-6);
    });
  },
);
