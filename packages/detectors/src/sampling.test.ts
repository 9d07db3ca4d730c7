import { createMachine, type Machine } from '@hvsim/machine';
import { createRandom, time, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type SamplingDetector, sampling } from './sampling';

const PERIOD = time.s(30);

function setup(pages = 1000, options: Record<string, unknown> = {}, seed = 1) {
  const machine = createMachine({ frames: 2 * pages + 64 });
  const vm = machine.addVm({ pages });
  const detector = sampling.create(options, {
    random: createRandom(seed),
    emit: () => {},
  }) as SamplingDetector;
  detector.attach({ vm, machine, traps: machine.traps });
  return { machine, vm, detector };
}

/** Touches pages [0, active) once, then lets the VM's clock reach the end of the period. */
function runPeriod(machine: Machine, vm: VmId, detector: SamplingDetector, active: number): void {
  const start = machine.vmTime(vm);
  for (let ppn = 0; ppn < active; ppn++) machine.read(vm, ppn);
  const end = Math.ceil((start + 1) / PERIOD) * PERIOD;
  machine.charge(vm, end - machine.vmTime(vm));
  detector.tick(machine.vmTime(vm));
}

describe('the sampling detector', () => {
  it('arms n distinct pages per period and counts each at most once', () => {
    const { machine, vm, detector } = setup(1000, { samples: 50 });
    const armed = () =>
      Array.from({ length: 1000 }, (_, p) => p).filter((p) => machine.traps.isArmed(0, vm, p));
    expect(armed()).toHaveLength(50);
    // Touch every page twice: 50 traps, not 100.
    for (let k = 0; k < 2; k++) for (let p = 0; p < 1000; p++) machine.read(vm, p);
    expect(detector.traps).toBe(50);
    expect(detector.fractionSoFar).toBe(1);
    machine.charge(vm, PERIOD);
    detector.tick(machine.vmTime(vm));
    expect(detector.periods).toBe(1);
    expect(detector.estimator.slow).toBeCloseTo(0.25);
    expect(detector.estimator.fast).toBeCloseTo(0.7);
    expect(armed()).toHaveLength(50); // the next period's sample
  });

  it('measures the active fraction without bias, with the binomial spread (fixed seeds)', () => {
    const f = 0.3;
    const periods = 400;
    const { machine, vm, detector } = setup(1000);
    const samples: number[] = [];
    let last = 0;
    for (let i = 0; i < periods; i++) {
      runPeriod(machine, vm, detector, f * 1000);
      samples.push((detector.traps - last) / 100);
      last = detector.traps;
    }
    const mean = samples.reduce((a, b) => a + b, 0) / periods;
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (periods - 1));
    const expectedSd = Math.sqrt((f * (1 - f)) / 100);
    // Sampling without replacement from 1000 pages: the spread is a little under the binomial one.
    expect(Math.abs(mean - f)).toBeLessThan((4 * expectedSd) / Math.sqrt(periods));
    expect(sd).toBeGreaterThan(0.8 * expectedSd);
    expect(sd).toBeLessThan(1.1 * expectedSd);
  });

  it('follows a rise within one period and a fall at 0.75 per period', () => {
    const { machine, vm, detector } = setup(2000);
    for (let i = 0; i < 20; i++) runPeriod(machine, vm, detector, 100);
    const low = detector.estimate().activePages;
    expect(Math.abs(low - 100)).toBeLessThan(60);
    // Step up to 1500 pages: halfway through the next period the estimate is already up there.
    for (let ppn = 0; ppn < 1500; ppn++) machine.read(vm, ppn);
    expect(detector.estimate().activePages).toBeGreaterThan(1000);
    runPeriod(machine, vm, detector, 1500);
    for (let i = 0; i < 20; i++) runPeriod(machine, vm, detector, 1500);
    // Step down to nothing: the estimate follows the slow average down, 0.75 per period.
    const high = detector.estimator.slow;
    for (let i = 1; i <= 4; i++) {
      runPeriod(machine, vm, detector, 0);
      expect(detector.estimator.slow).toBeCloseTo(high * 0.75 ** i, 10);
      expect(detector.estimate().activePages).toBe(Math.round(detector.estimator.slow * 2000));
    }
  });

  it('never intercepts more than n accesses in a period', () => {
    const { machine, vm, detector } = setup(300, { samples: 20, period: '1s' });
    let last = 0;
    for (let i = 0; i < 50; i++) {
      for (let p = 0; p < 300; p += 1 + (i % 3)) machine.read(vm, p);
      machine.charge(vm, time.s(1));
      detector.tick(machine.vmTime(vm));
      expect(detector.traps - last).toBeLessThanOrEqual(20);
      last = detector.traps;
    }
  });

  it('samples every page of a VM smaller than n', () => {
    const { machine, vm, detector } = setup(40);
    for (let p = 0; p < 40; p++) expect(machine.traps.isArmed(0, vm, p)).toBe(true);
    for (let p = 0; p < 10; p++) machine.read(vm, p);
    expect(detector.fractionSoFar).toBe(0.25);
  });

  it('disarms its traps and frees its channel on detach', () => {
    const { machine, vm, detector } = setup(500);
    detector.detach();
    for (let p = 0; p < 500; p++) expect(() => machine.traps.isArmed(0, vm, p)).toThrow(/channel/);
    expect(machine.traps.register('next', () => {})).toBe(0);
  });

  it('checks its options, naming the field', () => {
    expect(() => sampling.create({ samples: 0 }, { random: createRandom(1), emit: () => {} })).toThrow(
      /samples/,
    );
    expect(() => sampling.create({ period: 'soon' }, { random: createRandom(1), emit: () => {} })).toThrow(
      /period/,
    );
    expect(() => sampling.create({ slowGain: 2 }, { random: createRandom(1), emit: () => {} })).toThrow(
      /slowGain/,
    );
  });
});
