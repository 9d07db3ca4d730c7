import { describe, expect, test } from 'vitest';
import { compareRuns, runStory, totalOf } from './run-story';
import { handRun, MIB } from './run-story.fixture';

// Hosts of 100 MiB sampled once a second: 2% of them is 2 MiB, 512 pages.

/** A host that fills at 3 s: free memory falls to 2 MiB and below, then host paging swaps. */
const filling = handRun({
  host: {
    free: [60, 40, 20, 2, 0, 1].map((m) => m * MIB),
    'swap-used': [0, 0, 0, 0, 8, 6].map((m) => m * MIB),
  },
  vms: {
    // Boots for the first second (no ops), runs at 1000 ops/s, then crawls.
    web: { series: { throughput: [0, 1000, 1000, 1000, 10, 30], swapped: [0, 0, 0, 0, 5, 4] } },
    // Powered on at 2 s.
    late: { series: { throughput: [0, 0, 500, 500, 0, 0], swapped: [0, 0, 0, 0, 3, 2] }, doublePaging: 512 },
  },
});

/** The same host kept from filling: balloons and sharing hold memory, nothing is swapped. */
const kept = handRun({
  host: {
    free: [60, 40, 20, 8, 6, 5].map((m) => m * MIB),
    'swap-used': [0, 0, 0, 0, 0, 0],
    'shared-frames': [0, 0, 1, 1, 1, 1].map((m) => m * MIB),
  },
  vms: {
    web: { series: { throughput: [0, 1000, 1000, 1000, 900, 900], shared: [0, 0, 4, 4, 4, 4] } },
    late: {
      series: {
        throughput: [0, 0, 500, 500, 500, 400],
        ballooned: [0, 0, 0, 10, 12, 12].map((m) => m * MIB),
        shared: [0, 0, 3, 6, 7, 5].map((m) => m * MIB),
      },
    },
  },
});

describe("a run's story", () => {
  test('says when memory filled: the first sample with free memory at or below 2% of the host', () => {
    const story = runStory(filling);
    expect(story.filledAt).toBe(3);
    expect(story.lowestFree).toEqual({ mib: 0, at: 4 });
    expect(story.splitAt).toBe(3);
    expect(story.hostMiB).toBe(100);
    expect(story.fullBelow).toBe(0.02);
    // A threshold of 1% of the host (1 MiB) is first met at 4 s.
    expect(runStory(filling, { fullBelow: 0.01 }).filledAt).toBe(4);
  });

  test('averages throughput from the first op to the fill, and after it; all VMs summed per sample', () => {
    const story = runStory(filling);
    const [web, late] = story.vms;
    // web: samples at 1, 2 and 3 s before (booting at 0 s is no throughput), 4 and 5 s after.
    expect(web!.throughput).toEqual({ before: 1000, after: 20 });
    // late: from its first op at 2 s.
    expect(late!.throughput).toEqual({ before: 500, after: 0 });
    // All VMs: 1000, 1500 and 1500 before; 10 and 30 after.
    expect(story.total.before).toBeCloseTo(4000 / 3);
    expect(story.total.after).toBe(20);
  });

  test('says how much went to host swap at most, and the pages paged twice in pages and MiB', () => {
    const story = runStory(filling);
    expect(story.swapMiB).toBe(8);
    expect(story.vms.map((vm) => vm.swappedMiB)).toEqual([5 / MIB, 3 / MIB]);
    expect(story.doublePaging).toEqual({ pages: 512, mib: 2 });
    expect(story.vms.map((vm) => vm.doublePaging)).toEqual([0, 512]);
    expect(story.balloonedMiB).toBe(0);
    expect(story.sharingSavedMiB).toBe(0);
  });

  test('of a host that never fills: no fill, no split, whole-run throughput, the least free memory and when', () => {
    const story = runStory(kept);
    expect(story.filledAt).toBeUndefined();
    expect(story.splitAt).toBeUndefined();
    expect(story.lowestFree).toEqual({ mib: 5, at: 5 });
    expect(story.vms[0]!.throughput).toEqual({ before: 960 });
    expect(story.total.after).toBeUndefined();
    expect(story.doublePaging).toEqual({ pages: 0, mib: 0 });
    expect(story.swapMiB).toBe(0);
  });

  test('says what balloons held and sharing saved at most: shared pages less the frames holding them', () => {
    const story = runStory(kept);
    expect(story.balloonedMiB).toBe(12);
    expect(story.vms[1]!.balloonedMiB).toBe(12);
    expect(story.vms[1]!.sharedMiB).toBe(7);
    // Per sample: 3 − 1, 6 − 1, 7 − 1, 5 − 1 MiB (web's few pages aside): at most 6 and a bit.
    expect(story.sharingSavedMiB).toBeCloseTo(6 + 4 / MIB);
  });

  test('of a run whose memory fills at its last sample has nothing after it', () => {
    const run = handRun({ host: { free: [50 * MIB, 0] }, vms: { a: { series: { throughput: [0, 10] } } } });
    expect(runStory(run).filledAt).toBe(1);
    expect(runStory(run).vms[0]!.throughput).toEqual({ before: 10 });
  });

  test('refuses a threshold that is not a share of the host, naming it', () => {
    expect(() => runStory(filling, { fullBelow: 0 })).toThrow(/fullBelow/);
    expect(() => runStory(filling, { fullBelow: 1.5 })).toThrow(/share of the host's memory/);
  });
});

describe('two runs of one host compared', () => {
  test("split both where the first one's memory filled, and set their figures side by side", () => {
    const { stories, comparison } = compareRuns([
      { label: 'host paging', run: filling },
      { label: 'ESX', run: kept },
    ]);
    expect(stories[0].splitAt).toBe(3);
    // The second run never filled, yet is split where the first did.
    expect(stories[1].filledAt).toBeUndefined();
    expect(stories[1].splitAt).toBe(3);
    expect(comparison.labels).toEqual(['host paging', 'ESX']);
    expect(comparison.splitAt).toBe(3);
    expect(comparison.vms).toEqual([
      { name: 'web', throughput: [20, 900] },
      { name: 'late', throughput: [0, 450] },
    ]);
    expect(comparison.total).toEqual([20, 1350]);
    expect(comparison.swapMiB).toEqual([8, 0]);
    expect(comparison.doublePagingPages).toEqual([512, 0]);
    expect(comparison.doublePagingMiB).toEqual([2, 0]);
    expect(comparison.balloonedMiB).toEqual([0, 12]);
  });

  test('over whole runs when the first never fills, and with 0 for a VM one run lacks', () => {
    const alone = handRun({
      host: { free: [50 * MIB, 50 * MIB] },
      vms: { solo: { series: { throughput: [0, 7] } } },
    });
    const { comparison } = compareRuns([
      { label: 'a', run: kept },
      { label: 'b', run: alone },
    ]);
    expect(comparison.splitAt).toBeUndefined();
    expect(comparison.vms.map((vm) => [vm.name, ...vm.throughput])).toEqual([
      ['web', 960, 0],
      ['late', 475, 0],
      ['solo', 0, 7],
    ]);
  });

  test('need a label for each run', () => {
    expect(() =>
      compareRuns([
        { label: 'same', run: filling },
        { label: 'same', run: kept },
      ]),
    ).toThrow(/runs\[1\]\.label/);
  });
});

test('totalOf sums a per-VM metric sample by sample, leaving host series out', () => {
  expect(Array.from(totalOf(filling.metrics, 'throughput'))).toEqual([0, 1000, 1500, 1500, 10, 30]);
  expect(Array.from(totalOf(filling.metrics, 'free'))).toEqual([0, 0, 0, 0, 0, 0]);
});
