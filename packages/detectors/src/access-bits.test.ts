import { createMachine } from '@hvsim/machine';
import { createRandom, type DemandDetector, time } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { type AccessBitScanner, accessBits } from './access-bits';
import { oracle } from './oracle';

const context = { random: createRandom(1), emit: () => {} };

function setup(detector: DemandDetector, pages = 200) {
  const machine = createMachine({ frames: 2 * pages + 16 });
  const vm = machine.addVm({ pages });
  detector.attach({ vm, machine, traps: machine.traps });
  /** Touches pages [from, to) and then lets `ns` of VM time pass. */
  const step = (from: number, to: number, ns: number) => {
    for (let p = from; p < to; p++) machine.read(vm, p);
    machine.charge(vm, ns);
    detector.tick(machine.vmTime(vm));
  };
  return { machine, vm, step };
}

describe('the access-bit scanner', () => {
  it('counts the pages accessed within the last window of scans, exactly', () => {
    const scanner = accessBits.create({ interval: '1s', window: 3 }, context) as AccessBitScanner;
    const { step } = setup(scanner);
    expect(scanner.estimate().activePages).toBe(0);
    step(0, 50, time.s(1));
    expect(scanner.estimate().activePages).toBe(50);
    // Pages 0–49 stop; 100–119 start: the old ones leave after 3 scans without an access.
    step(100, 120, time.s(1));
    expect(scanner.estimate().activePages).toBe(70);
    step(100, 120, time.s(1));
    expect(scanner.estimate().activePages).toBe(70);
    step(100, 120, time.s(1));
    expect(scanner.estimate().activePages).toBe(20);
  });

  it('visits every page at every scan: its overhead grows with memory, not activity', () => {
    const scanner = accessBits.create({ interval: '1s' }, context) as AccessBitScanner;
    const { step } = setup(scanner, 300);
    for (let i = 0; i < 4; i++) step(0, 1, time.s(1));
    expect(scanner.tracker.scans).toBe(4);
    expect(scanner.tracker.pagesScanned).toBe(1200);
  });

  it('frees its trap channel on detach, and checks its options', () => {
    const scanner = accessBits.create({}, context);
    const { machine } = setup(scanner);
    scanner.detach();
    expect(machine.traps.register('next', () => {})).toBe(0);
    expect(() => accessBits.create({ window: 0 }, context)).toThrow(/window/);
    expect(() => accessBits.create({ interval: '0s' }, context)).toThrow(/interval/);
  });
});

describe('the oracle', () => {
  it('knows the pages accessed within its window, sliding in thirtieths of it, at no cost to the VM', () => {
    const truth = oracle.create({ window: '30s' }, context);
    const { machine, vm, step } = setup(truth);
    const before = machine.vmTime(vm);
    step(0, 80, time.s(1));
    // 80 first touches trapped, and none of them charged: only the accesses and zero-fills took time.
    expect(machine.counters(vm).traps).toBe(0);
    expect(machine.vmTime(vm) - before).toBe(time.s(1) + 80 * (100 + 4_000));
    expect(truth.estimate().activePages).toBe(80);
    for (let s = 0; s < 29; s++) step(0, 0, time.s(1));
    expect(truth.estimate().activePages).toBe(80);
    step(0, 0, time.s(1));
    expect(truth.estimate().activePages).toBe(0);
    expect(() => oracle.create({ window: '1ms' }, context)).toThrow(/window/);
  });
});
