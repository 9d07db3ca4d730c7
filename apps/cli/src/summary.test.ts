import type { MiniatureCheck } from '@hvsim/experiments';
import { describe, expect, test } from 'vitest';
import type { RunSummary } from './run';
import { formatMiniatureCheck, formatSummary } from './summary';

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
  hostMiB: 8,
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

/** A comparison of one VM's throughput in full and at scale 4, off by `error` (tolerance 10%). */
const miniatureCheck = (error: number): MiniatureCheck => {
  const pass = Math.abs(error) <= 0.1;
  return {
    scenario: 'tiny',
    seeds: [2],
    tolerances: { memory: 0.05, throughput: 0.1 },
    rows: [
      {
        vm: 'hot',
        metric: 'throughput',
        unit: 'ops/s',
        full: 1000,
        miniatures: [{ scale: 4, value: 1000 * (1 + error), error, pass }],
      },
    ],
    speed: [
      { scale: 1, wallSeconds: 2, speedup: 1 },
      { scale: 4, wallSeconds: 0.5, speedup: 4 },
    ],
    pass,
  };
};

describe('the miniature check', () => {
  test('marks a figure outside its tolerance, and says whether every figure is within', () => {
    const failed = formatMiniatureCheck(miniatureCheck(0.2));
    expect(failed).toMatch(/\+20\.0% ✗/);
    expect(failed).toMatch(/some figures \(✗\) are outside their tolerance$/);
    expect(formatMiniatureCheck(miniatureCheck(0.05))).toMatch(/every figure is within its tolerance$/);
  });
});
