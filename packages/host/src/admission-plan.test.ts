import { fc, test } from '@fast-check/vitest';
import { linuxGuest } from '@hvsim/guest';
import { HvsimError, parsePages, type SimTime, time } from '@hvsim/spec';
import { idle } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { type AdmissionConfig, admissionPlan } from './admission-plan';
import { createHost } from './host';
import type { HostConfig, VmConfig } from './host-config';

type Sized = AdmissionConfig['vms'][number];

const gib = (n: number) => parsePages(`${n}GiB`);
const refusals = (config: AdmissionConfig) =>
  admissionPlan(config).flatMap((s) => (s.action === 'refuse' ? [[config.vms[s.vm]!.name, s.reason]] : []));

describe('admission plan', () => {
  it('says in sizes which reservation does not fit: swap for what VMs may give up, memory for their min', () => {
    const desktops = (n: number, extra: Partial<Sized> = {}) =>
      Array.from({ length: n }, (_, i) => ({ name: `desktop${i + 1}`, pages: gib(22), ...extra }));
    expect(refusals({ frames: gib(64), swapPages: gib(64), vms: desktops(3) })).toEqual([
      [
        'desktop3',
        'backing the memory the VMs running with it may give up (max − min) would need 66 GiB of host swap; the host has 64 GiB',
      ],
    ]);
    expect(
      refusals({
        frames: gib(64),
        reservedFrames: parsePages('100MiB'),
        swapPages: gib(64),
        vms: desktops(2, { min: gib(20), overheadPages: gib(15) }),
      }),
    ).toEqual([
      [
        'desktop2',
        'the guaranteed memory (min) and overhead of the VMs running with it would need 70 GiB; the host has 63.9 GiB after its reserve',
      ],
    ]);
    expect(refusals({ frames: gib(1), vms: [{ name: 'a', pages: 1 }] })[0]![1]).toMatch(
      /would need 4 KiB of host swap; the host has no swap$/,
    );
  });

  it('shows pages where rounding would hide the difference', () => {
    // Memory less the zero page: one page short of 1 GiB.
    expect(
      refusals({
        frames: gib(1),
        swapPages: gib(1),
        vms: [{ name: 'a', pages: 1, min: 1, overheadPages: gib(1) - 1 }],
      })[0]![1],
    ).toMatch(/would need 1 GiB \(262144 pages\); the host has 1.00 GiB \(262143 pages\) after its reserve$/);
  });

  it('frees the memory of VMs powering off before admitting those powering on at the same time, in order', () => {
    const vm = (name: string, extra: Partial<Sized> = {}): Sized => ({ name, pages: 100, ...extra });
    const plan = admissionPlan({
      frames: 1000,
      swapPages: 200,
      vms: [
        vm('late', { powerOn: time.s(2) }),
        vm('early', { powerOff: time.s(2) }),
        vm('second', { powerOn: time.s(2) }),
        vm('always'),
      ],
    });
    expect(plan.map((s) => [s.time, s.vm, s.action])).toEqual([
      [0, 1, 'power-on'],
      [0, 3, 'power-on'],
      [time.s(2), 1, 'power-off'],
      [time.s(2), 0, 'power-on'],
      [time.s(2), 2, 'refuse'],
    ]);
  });

  it('refuses a VM that would power off before it powers on, naming the field', () => {
    const plan = () =>
      admissionPlan({
        frames: 100,
        vms: [
          { name: 'a', pages: 1 },
          { name: 'b', pages: 1, powerOn: time.s(5), powerOff: time.s(5) },
        ],
      });
    expect(plan).toThrow(HvsimError);
    expect(plan).toThrow('vms[1].powerOff: expected a time after powerOn (5 s), got 5 s');
  });
});

/** Random small hosts, as plain numbers (so a counterexample reads well): VMs powering on and off at times on
 * and off the quantum grid. */
const hostArb = fc.record({
  frames: fc.integer({ min: 64, max: 1024 }),
  reservedFrames: fc.nat(16),
  swapPages: fc.nat(1024),
  vms: fc.array(
    fc
      .record({
        pages: fc.integer({ min: 16, max: 256 }),
        min: fc.double({ min: 0, max: 1, noNaN: true }),
        overheadPages: fc.nat(16),
        powerOn: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: time.ms(20) })),
        lasts: fc.option(fc.integer({ min: 1, max: time.ms(20) }), { nil: undefined }),
      })
      .map(({ pages, min, powerOn, lasts, overheadPages }) => ({
        pages,
        min: Math.floor(min * pages),
        overheadPages,
        powerOn,
        ...(lasts === undefined ? {} : { powerOff: powerOn + lasts }),
      })),
    { minLength: 1, maxLength: 5 },
  ),
});

const hostConfig = ({
  vms,
  ...host
}: typeof hostArb extends fc.Arbitrary<infer T> ? T : never): HostConfig => ({
  ...host,
  seed: 1,
  quantum: time.ms(2),
  metricInterval: time.ms(5),
  vms: vms.map(
    (v, i): VmConfig => ({
      name: `vm${i}`,
      ...v,
      guest: { definition: linuxGuest, options: { bootTime: '1ms' } },
      workload: { definition: idle, options: {} },
    }),
  ),
});

test.prop([hostArb, fc.integer({ min: 1, max: time.ms(30) })], { numRuns: 40 })(
  'the plan is what the host does: each VM powers on and off at its time, refused exactly when it does not fit',
  (shape, until) => {
    const config = hostConfig(shape);
    const host = createHost(config);
    host.run(until);
    const planned = admissionPlan(config).filter((s) => s.time <= until);
    const limits = { memory: config.frames - (config.reservedFrames ?? 0) - 1, swap: config.swapPages ?? 0 };
    // Replay the host's own event log against admission's rule, summed here from the configuration.
    const index = new Map(config.vms.map((v, i) => [v.name, i]));
    const running = new Set<number>();
    const sum = (f: (v: VmConfig) => number, extra?: number) =>
      [...running, ...(extra === undefined ? [] : [extra])].reduce((s, i) => s + f(config.vms[i]!), 0);
    const reserved = (extra?: number) => sum((v) => (v.min ?? 0) + (v.overheadPages ?? 0), extra);
    const swappable = (extra?: number) => sum((v) => v.pages - (v.min ?? 0), extra);
    const done: { time: SimTime; vm: number; action: string }[] = [];
    for (const event of host.events.filter((e) => e.source === 'host')) {
      const vm = index.get(String(event.data?.['name']))!;
      if (event.kind === 'power-on') {
        expect(event.time).toBe(config.vms[vm]!.powerOn ?? 0);
        running.add(vm);
        expect(reserved()).toBeLessThanOrEqual(limits.memory);
        expect(swappable()).toBeLessThanOrEqual(limits.swap);
      } else if (event.kind === 'power-off') {
        expect(event.time).toBe(config.vms[vm]!.powerOff);
        running.delete(vm);
      } else if (event.kind === 'admission-refused') {
        expect(reserved(vm) > limits.memory || swappable(vm) > limits.swap).toBe(true);
      } else continue;
      done.push({ time: event.time, vm, action: event.kind === 'admission-refused' ? 'refuse' : event.kind });
    }
    expect(done).toEqual(planned.map(({ time, vm, action }) => ({ time, vm, action })));
    expect(host.machine.vms()).toHaveLength(running.size);
    expect(host.stats().vms.map((v) => v.refused)).toEqual(
      config.vms.map(
        (_, i) => planned.flatMap((s) => (s.vm === i && s.action === 'refuse' ? [s.reason] : []))[0],
      ),
    );
  },
);
