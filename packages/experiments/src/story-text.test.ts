import { describe, expect, test } from 'vitest';
import { compareRuns, runStory } from './run-story';
import { handRun, MIB } from './run-story.fixture';
import { formatComparison, formatStory } from './story-text';

const filling = handRun({
  host: {
    free: [60, 30, 1, 0].map((m) => m * MIB),
    'swap-used': [0, 0, 12.5, 20].map((m) => m * MIB),
  },
  vms: {
    web: { series: { throughput: [0, 2_500_000, 2_000_000, 1200] } },
    batch: { series: { throughput: [0, 1000, 1000, 0] }, doublePaging: 300 },
  },
});

const kept = handRun({
  host: { free: [60, 30, 9.75, 12].map((m) => m * MIB), 'shared-frames': [0, 0, 0, 0] },
  vms: {
    web: { series: { throughput: [0, 2_500_000, 2_000_000, 1_900_000] } },
    batch: {
      series: {
        throughput: [0, 1000, 1000, 900],
        ballooned: [0, 0, 40, 40].map((m) => m * MIB),
        shared: [0, 0, 3, 3].map((m) => m * MIB),
      },
    },
  },
});

describe('a story in words', () => {
  test('says when memory filled, throughput before and after with M and k, swap and double paging', () => {
    const text = formatStory('host paging only', runStory(filling));
    expect(text).toMatch(/^host paging only: by hand\n/);
    expect(text).toContain(
      "Memory filled at 2 s: free memory fell to 2 MiB (2% of the host's 100 MiB) or less, and as low as 0 MiB.",
    );
    expect(text).toContain('Throughput before and after 2 s:\n');
    expect(text).toMatch(/ {4}web {6}2\.25 M → 1\.2 k ops\/s\n/);
    expect(text).toMatch(/ {4}batch {4}1 k → 0 ops\/s\n/);
    expect(text).toMatch(/ {4}all VMs {2}2\.25 M → 1\.2 k ops\/s\n/);
    expect(text).toContain('Host swap held at most 20 MiB.');
    expect(text).toContain(
      'Double paging: guests paged out 300 pages (1.2 MiB) the host had already swapped (batch 300).',
    );
  });

  test('of a host that never filled: the least free memory and when, what balloons and sharing held, no double paging', () => {
    const text = formatStory('ESX', runStory(kept));
    expect(text).toContain(
      "Memory never filled: free memory stayed above 2 MiB (2% of the host's 100 MiB); the least was 9.8 MiB, at 2 s.",
    );
    expect(text).toContain('Throughput over the run:\n');
    expect(text).toContain(
      'Host swap held at most 0 MiB; the balloons at most 40 MiB; sharing saved at most 3 MiB.',
    );
    expect(text).toContain('No page was paged twice.');
  });

  test('split where another run filled says so', () => {
    const { stories } = compareRuns([
      { label: 'host paging only', run: filling },
      { label: 'ESX', run: kept },
    ]);
    expect(formatStory('ESX', stories[1])).toContain(
      'Throughput before and after 2 s (when memory filled in the run it is compared with):',
    );
  });
});

describe('a comparison in words', () => {
  const { comparison } = compareRuns([
    { label: 'host paging only', run: filling },
    { label: 'ESX', run: kept },
  ]);

  test('gives the ratio of throughput after the fill, swap and double paging, then a table of every figure', () => {
    const text = formatComparison(comparison);
    expect(text).toMatch(/^Compared after 2 s, when memory filled with host paging only:\n/);
    // 1 900 900 against 1200 ops/s.
    expect(text).toContain('  ESX: all VMs ran at 1.9 M ops/s, 1,584× the 1.2 k ops/s of host paging only;');
    expect(text).toContain(
      'host swap held at most 0 MiB against 20 MiB, and 0 pages were paged twice against 300.',
    );
    const table = text.split('\n\n')[1]!.split('\n');
    expect(table[0]).toMatch(/^after 2 s +host paging only +ESX$/);
    expect(table).toContainEqual(expect.stringMatching(/^web \(ops\/s\) +1\.2 k +1\.9 M$/));
    expect(table).toContainEqual(expect.stringMatching(/^batch \(ops\/s\) +0 +900$/));
    expect(table).toContainEqual(expect.stringMatching(/^host swap, most \(MiB\) +20\.0 +0\.0$/));
    expect(table).toContainEqual(expect.stringMatching(/^double paging \(pages\) +300 +0$/));
    expect(table).toContainEqual(expect.stringMatching(/^balloons, most \(MiB\) +0\.0 +40\.0$/));
  });

  test('over whole runs when the first never filled, and without a ratio to nothing', () => {
    const idle = handRun({
      host: { free: [60 * MIB, 60 * MIB] },
      vms: { web: { series: { throughput: [0, 0] } } },
    });
    const text = formatComparison(
      compareRuns([
        { label: 'idle', run: idle },
        { label: 'busy', run: kept },
      ]).comparison,
    );
    expect(text).toMatch(/^Compared over the whole runs \(memory never filled with idle\):\n/);
    expect(text).toContain('busy: all VMs ran at');
    expect(text).toContain('against 0 ops/s with idle;');
  });
});
