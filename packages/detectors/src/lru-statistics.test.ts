import { fc, test } from '@fast-check/vitest';
import { time, type VmId } from '@hvsim/spec';
import { TestMachine } from '@hvsim/spec/testing';
import { describe, expect, it } from 'vitest';
import { type LruStatistics, lruStatistics } from './lru-statistics';
import { ExactMrc } from './mrc/exact';
import type { StackDistanceHistogram } from './mrc/histogram';

const context = { random: undefined as never, emit: () => {} };
const vm = 0 as VmId;

function setup(pages: number, options: Record<string, unknown>) {
  const machine = new TestMachine([pages]);
  const detector = lruStatistics.create(options, context) as LruStatistics;
  detector.attach({ vm, machine: machine.view, traps: machine.traps(vm) });
  return { detector, machine, touch: (ppn: number) => machine.access(vm, ppn) };
}

const references = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 300, size: 'max' });

/** Misses, cold ones included, in a memory of `pages` (everything misses in no memory). */
function misses(histogram: StackDistanceHistogram, pages: number): number {
  if (pages < 1) return histogram.total;
  const { missRatios, references } = histogram.curve([pages]);
  return Math.round(missRatios[0]! * references);
}

describe('MEB LRU statistics', () => {
  test.prop([references])('with no hot set, trace every access: the curve is exactly Mattson’s', (refs) => {
    const { detector, touch } = setup(64, { hotPages: 0 });
    const exact = new ExactMrc();
    for (const ppn of refs) {
      touch(ppn);
      exact.access(ppn);
    }
    const sizes = Array.from({ length: 41 }, (_, i) => i + 1);
    expect(Array.from(detector.histogram.curve(sizes).missRatios)).toEqual(
      Array.from(exact.curve(sizes).missRatios),
    );
    expect(detector.traps).toBe(refs.length);
  });

  it('finds the working set of a loop, and its curve falls to the cold misses at that size', () => {
    const { detector, touch } = setup(1000, { hotPages: 0 });
    for (let pass = 0; pass < 20; pass++) for (let p = 0; p < 300; p++) touch(p);
    const { activePages, missRatioCurve } = detector.estimate();
    expect(activePages).toBe(300);
    expect(missRatioCurve).toBeDefined();
    // A loop of 300 pages under LRU: all misses below 300 pages, only the first pass's at 300.
    expect(Array.from(detector.histogram.curve([299, 300]).missRatios)).toEqual([1, 300 / 6000]);
  });

  it('traces nothing once a loop fits in the hot set: the overhead falls as H grows', () => {
    const hot = setup(1000, { hotPages: 64 });
    const cold = setup(1000, { hotPages: 0 });
    for (let pass = 0; pass < 10; pass++) {
      for (let p = 0; p < 50; p++) {
        hot.touch(p);
        cold.touch(p);
      }
    }
    expect(hot.detector.traps).toBe(50);
    expect(cold.detector.traps).toBe(500);
  });

  it('sees a phase that fits in the hot set: its untraced accesses pull the working set down to it', () => {
    const { detector, machine, touch } = setup(8192, { hotPages: 1024, period: '2s' });
    const phase = (pages: number) => {
      for (let second = 0; second < 30; second++) {
        for (let pass = 0; pass < 4; pass++) for (let p = 0; p < pages; p++) touch(p);
        machine.advance(vm, time.s(1));
        detector.tick(machine.view.vmTime(vm));
      }
    };
    phase(7168);
    expect(detector.estimate().activePages).toBeGreaterThan(6800);
    phase(1000); // fits in the hot set: 1000 traps, then nothing traced
    expect(detector.estimate().activePages).toBeLessThanOrEqual(1024);
    phase(7168);
    expect(detector.estimate().activePages).toBeGreaterThan(6800);
  });

  it('records a distance as its group’s far end: a loop of 201 pages counts as 208 in groups of 8', () => {
    for (const [loop, recorded] of [
      [200, 200],
      [201, 208],
    ] as const) {
      const grouped = setup(1000, { hotPages: 0, groupPages: 8 });
      for (let pass = 0; pass < 5; pass++) for (let p = 0; p < loop; p++) grouped.touch(p);
      // Every re-reference: the loop's length, in steps of 8 pages.
      expect(grouped.detector.histogram.weightAt(recorded / 8)).toBe(4 * loop);
      expect(grouped.detector.estimate().activePages).toBe(recorded);
    }
  });

  test.prop([references, fc.integer({ min: 1, max: 8 })])(
    'page groups of G: the predicted misses at m lie between the exact ones at m and at m − G + 1',
    (refs, g) => {
      const { detector, touch } = setup(64, { hotPages: 0, groupPages: g });
      const exact = new ExactMrc();
      for (const ppn of refs) {
        touch(ppn);
        exact.access(ppn);
      }
      for (let m = 1; m <= 42; m++) {
        const predicted = misses(detector.histogram, m);
        expect(predicted).toBeGreaterThanOrEqual(misses(exact.histogram, m));
        expect(predicted).toBeLessThanOrEqual(misses(exact.histogram, m - g + 1));
      }
    },
  );

  it('a FIFO hot set is not exact at m = H: a page used while hot still leaves first', () => {
    // H = 2: a c a b a. The second a is hot (unseen), so b's trap evicts a, not c; the last a's recorded
    // distance counts c and b (3) where LRU has only b (2): 4 misses predicted at 2 pages, 3 in truth.
    const { detector, touch } = setup(8, { hotPages: 2 });
    const exact = new ExactMrc();
    for (const ppn of [0, 2, 0, 1, 0]) {
      touch(ppn);
      exact.access(ppn);
    }
    expect(misses(detector.histogram, 2)).toBe(4);
    expect(misses(exact.histogram, 2)).toBe(3);
  });

  test.prop([references, fc.integer({ min: 1, max: 8 })])(
    'a hot set of H: at every m ≥ H the predicted misses lie between the exact ones at m + H − 1 and m − H + 1',
    (refs, h) => {
      const { detector, touch } = setup(64, { hotPages: h });
      const exact = new ExactMrc();
      for (const ppn of refs) {
        touch(ppn);
        exact.access(ppn);
      }
      detector.estimate(); // counts the hot accesses in: every reference once
      expect(detector.histogram.total).toBe(refs.length);
      for (let m = h; m <= 42; m++) {
        const predicted = misses(detector.histogram, m);
        expect(predicted).toBeGreaterThanOrEqual(misses(exact.histogram, m + h - 1));
        expect(predicted).toBeLessThanOrEqual(misses(exact.histogram, m - h + 1));
      }
    },
  );

  describe('swap monitoring', () => {
    it('puts pages the guest swapped out past the end of memory, most recent first', () => {
      const { detector, machine } = setup(64, { hotPages: 0 });
      machine.setBallooned(vm, 16); // the guest has 48 pages
      for (const slot of [10, 11, 12]) detector.onGuestSwapOut(1, slot);
      detector.onGuestSwapIn(5, 10); // behind 12 and 11: it needed 48 + 3 pages to stay in memory
      expect(detector.histogram.weightAt(51)).toBe(1);
      detector.onGuestSwapIn(6, 12); // now at the front
      expect(detector.histogram.weightAt(49)).toBe(1);
      expect(detector.workingSet).toBeGreaterThan(48);
      expect(detector.estimate().activePages).toBeGreaterThan(48);
    });

    it('counts the read that fills a page as its traced access: the write that follows does not trap', () => {
      const { detector, touch } = setup(64, { hotPages: 4 });
      detector.onGuestSwapOut(3, 0);
      detector.onGuestSwapIn(7, 0);
      touch(7);
      expect(detector.traps).toBe(0);
      detector.estimate(); // the access it stood for is not counted again as a hot one
      expect(detector.histogram.total).toBe(1);
      touch(7);
      detector.estimate();
      expect(detector.histogram.total).toBe(2);
    });

    it('ignores guest swap I/O once detached', () => {
      const { detector } = setup(64, { hotPages: 0 });
      detector.detach();
      detector.onGuestSwapOut(1, 1);
      detector.onGuestSwapIn(1, 1);
      expect(detector.histogram.total).toBe(0);
    });

    const period = time.s(30);
    // Swap-ins rare among many touches, so the slack rule alone would not see them.
    const event = fc.oneof(
      { arbitrary: fc.record({ touch: fc.nat(47) }), weight: 40 },
      { arbitrary: fc.record({ out: fc.nat(15) }), weight: 2 },
      { arbitrary: fc.record({ in: fc.nat(15) }), weight: 1 },
      { arbitrary: fc.constant({ tick: true }), weight: 2 },
    );
    test.prop([
      fc.array(event, { minLength: 200, maxLength: 600 }),
      fc.integer({ min: 0, max: 16 }),
      fc.integer({ min: 0, max: 4 }),
    ])(
      'a VM that swapped in within the last period needs more than it has; one that never missed beyond it, no more',
      (events, ballooned, h) => {
        const { detector, machine, touch } = setup(64, { hotPages: h });
        machine.setBallooned(vm, ballooned);
        const alloc = 64 - ballooned;
        let swapIns = 0;
        let swapInsBefore = 0;
        let everSwappedIn = false;
        for (const e of events) {
          if ('touch' in e)
            touch(e.touch % alloc); // the balloon holds the last pages
          else if ('out' in e) detector.onGuestSwapOut(0, e.out);
          else if ('in' in e) {
            detector.onGuestSwapIn(0, e.in);
            swapIns++;
            everSwappedIn = true;
          } else {
            machine.advance(vm, period);
            detector.tick(machine.view.vmTime(vm));
            swapInsBefore = swapIns;
            swapIns = 0;
          }
          if (swapIns + swapInsBefore > 0) expect(detector.workingSet).toBeGreaterThan(alloc);
          else if (!everSwappedIn) expect(detector.workingSet).toBeLessThanOrEqual(alloc);
        }
      },
    );
  });

  it('checks its options, naming the field', () => {
    expect(() => lruStatistics.create({ groupPages: 0 }, context)).toThrow(/groupPages/);
    expect(() => lruStatistics.create({ slack: 1 }, context)).toThrow(/slack/);
  });
});
