import { describe, expect, test } from 'vitest';
import type { RunSummary } from './run';
import { formatSummary } from './summary';

const summary = (events: number, outputs: string[]): RunSummary => ({
  scenario: 'one VM',
  seed: 1,
  scale: 1,
  simulatedSeconds: 1,
  ops: 1000,
  wallSeconds: 0.5,
  opsPerSecond: 2000,
  vms: [
    {
      name: 'a',
      poweredOn: true,
      ops: 1000,
      throughput: 1000,
      allocatedMiB: 4,
      swappedMiB: 0,
      sharedMiB: 0,
      doublePaging: 63,
    },
  ],
  hostFreeMiB: 2,
  hostSwapUsedMiB: 0,
  events,
  outputs,
});

describe('the run summary', () => {
  test('counts in words that agree with the number', () => {
    expect(formatSummary(summary(1, ['out/metrics.json']))).toContain('1 event logged');
    expect(formatSummary(summary(1, ['out/metrics.json']))).toContain('wrote 1 file to out');
    expect(formatSummary(summary(2, ['out/a', 'out/b']))).toContain('2 events logged');
    expect(formatSummary(summary(2, ['out/a', 'out/b']))).toContain('wrote 2 files to out');
  });

  test('gives every column its unit', () => {
    const header = formatSummary(summary(1, [])).split('\n')[2]!;
    expect(header).toContain('double paging (pages)');
    for (const column of ['throughput (ops/s)', 'allocated MiB', 'swapped MiB', 'shared MiB']) {
      expect(header).toContain(column);
    }
  });
});
