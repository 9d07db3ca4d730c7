import { fc, test } from '@fast-check/vitest';
import { type AllocationInput, time } from '@hvsim/spec';
import { expect, it } from 'vitest';
import { idleTax, idleTaxTargets } from './allocation';
import { entitlements } from './min-funding';
import { SHARES_PER_MIB, sharesOf } from './shares';

const context = { random: undefined as never, emit: () => {} };

const input: fc.Arbitrary<AllocationInput> = fc
  .array(
    fc.record({
      min: fc.nat(100),
      extra: fc.nat(400),
      shares: fc.nat(50),
      activePages: fc.nat(500),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .chain((raw) => {
    const vms = raw.map(({ min, extra, shares, activePages }) => ({
      min,
      max: min + extra,
      shares,
      activePages,
      allocated: min,
    }));
    const mins = vms.reduce((a, vm) => a + vm.min, 0);
    return fc.record({
      now: fc.constant(0),
      available: fc.integer({ min: mins, max: mins + 3000 }),
      vms: fc.constant(vms),
    });
  });

const options = fc.record({
  tau: fc.constantFrom(0, 0.5, 0.75, 0.9),
  tax: fc.constantFrom('flat' as const, 'progressive' as const),
  mode: fc.constantFrom('work-conserving' as const, 'isolation' as const),
});

test.prop([input, options])(
  'targets are whole pages within [min, max], adding up to what is available (or the maxima, or the minimums of VMs without shares)',
  (problem, opts) => {
    const targets = idleTaxTargets(problem, opts);
    const sum = targets.reduce((a, b) => a + b, 0);
    targets.forEach((t, i) => {
      const vm = problem.vms[i]!;
      expect(Number.isInteger(t)).toBe(true);
      expect(t).toBeGreaterThanOrEqual(vm.min);
      expect(t).toBeLessThanOrEqual(vm.max);
    });
    expect(sum).toBeLessThanOrEqual(problem.available);
    if (opts.mode === 'work-conserving') {
      const claimable = problem.vms.reduce((a, vm) => a + (vm.shares === 0 ? vm.min : vm.max), 0);
      expect(sum).toBe(Math.min(problem.available, claimable));
    } else {
      const e0 = entitlements({
        available: problem.available,
        vms: problem.vms.map((vm) => ({ ...vm, active: vm.activePages })),
      });
      targets.forEach((t, i) => {
        expect(t).toBeLessThanOrEqual(Math.max(problem.vms[i]!.min, e0[i]!) + 1e-9);
      });
    }
  },
);

it('plugs into a host by name, with options checked and named', () => {
  const policy = idleTax.create({ tau: 0 }, context);
  const targets = policy.targets({
    now: 0,
    available: 300,
    vms: [
      { min: 0, max: 256, shares: 1, activePages: 10, allocated: 0 },
      { min: 0, max: 256, shares: 2, activePages: 200, allocated: 0 },
    ],
  });
  expect(Array.from(targets)).toEqual([100, 200]);
  expect(() => idleTax.create({ tau: 1 }, context)).toThrow(/tau/);
  expect(() => idleTax.create({ mode: 'greedy' } as never, context)).toThrow(/mode/);
});

it('follows a tax-rate schedule: the first step’s rate until the next step’s time, and so on', () => {
  const policy = idleTax.create(
    {
      tau: [
        { from: '10s', tau: 0 },
        { from: '31min', tau: 0.75 },
      ],
    },
    context,
  );
  const at = (now: number) =>
    Array.from(
      policy.targets({
        now,
        available: 344,
        vms: [
          { min: 0, max: 256, shares: 1, activePages: 10, allocated: 0 },
          { min: 0, max: 256, shares: 1, activePages: 198, allocated: 0 },
        ],
      }),
    );
  expect(at(0)).toEqual([172, 172]);
  expect(at(time.min(31) - 1)).toEqual([172, 172]);
  // Figure 7's closed form at τ = 0.75: 10 + 4(T₁ − 10) = 198 + 4(T₂ − 198), T₁ + T₂ = 344.
  expect(at(time.min(31))).toEqual([102, 242]);
  expect(() =>
    idleTax.create(
      {
        tau: [
          { from: '5min', tau: 0 },
          { from: '1min', tau: 0.5 },
        ],
      },
      context,
    ),
  ).toThrow(/tau\[1\]\.from: expected steps in increasing time order/);
  expect(() => idleTax.create({ tau: [] }, context)).toThrow(/tau/);
});

it('scales share levels with the VM’s size: normal is 10 shares a MiB, twice low, half high', () => {
  expect(sharesOf('normal', 256 * 256)).toBe(2560); // a 256 MiB VM, as ESX 2.x's example
  expect(sharesOf('high', 256)).toBe(2 * sharesOf('normal', 256));
  expect(sharesOf('low', 256)).toBe(SHARES_PER_MIB.low);
  expect(sharesOf(0, 1000)).toBe(0);
  expect(() => sharesOf(-1, 10)).toThrow(/^shares: /);
});

it('a VM faking activity takes idle memory from others when work-conserving, never past its share in isolation', () => {
  // Three equal-share VMs on 600 pages: two honest and idle, one touching everything it holds to look active.
  const vms = [
    { min: 0, max: 400, shares: 1, activePages: 400, allocated: 0 }, // the faker
    { min: 0, max: 400, shares: 1, activePages: 20, allocated: 0 },
    { min: 0, max: 400, shares: 1, activePages: 20, allocated: 0 },
  ];
  const targets = (tau: number, mode: 'work-conserving' | 'isolation') =>
    Array.from(idleTaxTargets({ now: 0, available: 600, vms }, { tau, tax: 'flat', mode }));
  expect(targets(0, 'work-conserving')).toEqual([200, 200, 200]); // no tax: shares decide
  const taxed = targets(0.75, 'work-conserving');
  expect(taxed[0]).toBeGreaterThan(300); // it pulls most of the others' idle memory
  expect(taxed[1]! + taxed[2]!).toBeLessThan(300);
  // Each honest VM keeps at least its active pages plus a quarter of its idle entitlement (tau = 0.75).
  expect(taxed[1]).toBeGreaterThanOrEqual(20 + 0.25 * (200 - 20) - 1);
  const isolated = targets(0.75, 'isolation');
  expect(isolated[0]).toBe(200); // never past its share entitlement…
  expect(isolated.reduce((a, b) => a + b, 0)).toBeLessThan(600); // …so memory stays free: utilisation lost
});
