import fc from 'fast-check';
import type { DemandDetector } from '../contracts/detector';
import type { VmId } from '../ids';
import { createRandom, type RandomStream } from '../random';
import { TestMachine } from './test-machine';

export interface DetectorConformanceOptions {
  /** Pages of the VM the detector watches (default 256). */
  readonly pages?: number;
  /** Runs per property (default: fast-check's, which the FC_NUM_RUNS setting of a test run also sets). */
  readonly numRuns?: number;
}

/**
 * One step of a run: the watched VM touches a range of its pages (a share of them), its guest swaps a few
 * pages out and reads some back, then time passes.
 */
interface Step {
  readonly from: number;
  readonly to: number;
  readonly swaps: number;
  readonly advance: number;
}

const steps = fc.array(
  fc.record({
    from: fc.double({ min: 0, max: 1, noNaN: true }),
    to: fc.double({ min: 0, max: 1, noNaN: true }),
    swaps: fc.integer({ min: 0, max: 4 }),
    advance: fc.integer({ min: 0, max: 3e9 }),
  }),
  { maxLength: 40 },
);

/**
 * The properties every demand detector keeps, ours or a user's: call it in a test with a factory that builds
 * the detector from a random stream. On a machine of two VMs, with the detector on the first, over random
 * runs of touches and passing time:
 * - each estimate is a whole number of pages between 0 and the VM's size;
 * - `checks`, when given, never decreases;
 * - it arms traps only on its own VM (the test machine refuses anything else) and never fails on a tick or
 *   on the guest's swap I/O;
 * - after `detach` no trap of it is armed and its channels are released, and swap I/O told to it then
 *   changes neither;
 * - the same seed and the same run give the same estimates.
 * Throws (with fast-check's counterexample) when one fails.
 */
export function checkDetectorConformance(
  create: (random: RandomStream) => DemandDetector,
  options: DetectorConformanceOptions = {},
): void {
  const pages = options.pages ?? 256;
  const run = (seed: number, script: readonly Step[]): number[] => {
    const machine = new TestMachine([pages, pages]);
    const vm = 0 as VmId;
    const other = 1 as VmId;
    const detector = create(createRandom(seed));
    if (detector.contract !== 'detector@1')
      throw new Error(`expected contract detector@1, got ${detector.contract}`);
    detector.attach({ vm, machine: machine.view, traps: machine.traps(vm) });
    const estimates: number[] = [];
    let checks = detector.checks ?? 0;
    for (const step of script) {
      const from = Math.floor(Math.min(step.from, step.to) * pages);
      const to = Math.floor(Math.max(step.from, step.to) * pages);
      for (let ppn = from; ppn < to; ppn++) {
        machine.access(vm, ppn, ppn % 3 === 0);
        machine.access(other, ppn);
      }
      for (let slot = 0; slot < step.swaps; slot++) {
        const ppn = (from + slot) % pages;
        detector.onGuestSwapOut?.(ppn, slot);
        if (slot % 2 === 1) {
          detector.onGuestSwapIn?.(ppn, slot - 1);
          machine.access(vm, ppn, true); // the page read back is used
        }
      }
      machine.advance(vm, step.advance);
      machine.advance(other, step.advance);
      detector.tick(machine.view.vmTime(vm));
      const { activePages } = detector.estimate();
      if (!(Number.isInteger(activePages) && activePages >= 0 && activePages <= pages)) {
        throw new Error(`expected an estimate of 0 to ${pages} whole pages, got ${activePages}`);
      }
      const now = detector.checks ?? 0;
      if (now < checks) throw new Error(`checks went down from ${checks} to ${now}`);
      checks = now;
      estimates.push(activePages);
    }
    detector.detach();
    detector.onGuestSwapOut?.(0, 0);
    detector.onGuestSwapIn?.(1, 0);
    if (machine.armedTraps() !== 0) throw new Error(`${machine.armedTraps()} traps left armed after detach`);
    if (machine.channelsInUse() !== 0) throw new Error('a trap channel is still registered after detach');
    return estimates;
  };
  fc.assert(
    fc.property(fc.integer(), steps, (seed, script) => {
      const first = run(seed, script);
      const second = run(seed, script);
      if (first.join() !== second.join()) throw new Error('the same seed and run gave different estimates');
    }),
    options.numRuns === undefined ? {} : { numRuns: options.numRuns },
  );
}
