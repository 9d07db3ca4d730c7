import { fc, test } from '@fast-check/vitest';
import type { VmId } from '@hvsim/spec';
import { TestMachine } from '@hvsim/spec/testing';
import { describe, expect, it } from 'vitest';
import { type LruStatistics, lruStatistics } from './lru-statistics';
import { ExactMrc } from './mrc/exact';

const context = { random: undefined as never, emit: () => {} };

function setup(pages: number, options: Record<string, unknown>) {
  const machine = new TestMachine([pages]);
  const vm = 0 as VmId;
  const detector = lruStatistics.create(options, context) as LruStatistics;
  detector.attach({ vm, machine: machine.view, traps: machine.traps(vm) });
  return { detector, touch: (ppn: number) => machine.access(vm, ppn) };
}

describe('MEB LRU statistics', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 300 })])(
    'with no hot set, trace every access: the curve is exactly Mattson’s',
    (references) => {
      const { detector, touch } = setup(64, { hotPages: 0 });
      const exact = new ExactMrc();
      for (const ppn of references) {
        touch(ppn);
        exact.access(ppn);
      }
      const sizes = Array.from({ length: 41 }, (_, i) => i + 1);
      expect(Array.from(detector.histogram.curve(sizes).missRatios)).toEqual(
        Array.from(exact.curve(sizes).missRatios),
      );
      expect(detector.traps).toBe(references.length);
    },
  );

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

  it('counts page groups: a distance within G pages of the page-level one', () => {
    const grouped = setup(1000, { hotPages: 0, groupPages: 8 });
    for (let pass = 0; pass < 5; pass++) for (let p = 0; p < 200; p += 8) grouped.touch(p);
    // 25 groups in the loop: every re-reference is at 25 groups, 200 pages.
    expect(grouped.detector.histogram.weightAt(200)).toBe(100);
  });

  it('checks its options, naming the field', () => {
    expect(() => lruStatistics.create({ groupPages: 0 }, context)).toThrow(/groupPages/);
    expect(() => lruStatistics.create({ slack: 1 }, context)).toThrow(/slack/);
  });
});
