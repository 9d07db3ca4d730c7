import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { above, below, figure } from './experiment';
import type { MiniatureCheck } from './miniature-check';
import { figureRows, miniatureRows, significant, summaryRows } from './result-tables';
import type { ScenarioSummary } from './scenario-run';

const summary: ScenarioSummary = {
  scenario: 'two',
  seed: 1,
  scale: 1,
  simulatedSeconds: 2,
  ops: 250,
  wallSeconds: 1,
  opsPerSecond: 250,
  vms: [
    {
      name: 'web',
      poweredOn: true,
      memoryMiB: 4,
      ops: 250,
      throughput: 125.5,
      allocatedMiB: 3.14,
      swappedMiB: 0.04,
      sharedMiB: 1.26,
      doublePaging: 7,
    },
    {
      name: 'db',
      poweredOn: false,
      memoryMiB: 4,
      ops: 0,
      throughput: 0,
      allocatedMiB: 0,
      swappedMiB: 0,
      sharedMiB: 0,
      doublePaging: 0,
      refused: 'no room',
    },
  ],
  hostMemoryMiB: 6,
  hostFreeMiB: 2,
  hostSwapUsedMiB: 0,
  events: 3,
};

const check: MiniatureCheck = {
  scenario: 'tiny',
  seeds: [1, 2],
  tolerances: { memory: 0.05, throughput: 0.1 },
  rows: [
    {
      vm: 'hot',
      metric: 'allocated',
      unit: 'MiB',
      full: 5.4321,
      miniatures: [
        { scale: 4, value: 5.5, error: 0.0123, pass: true },
        { scale: 16, value: 6.789, error: -0.0712, pass: false },
      ],
    },
    {
      vm: 'hot',
      metric: 'throughput',
      unit: 'ops/s',
      full: 123456.7,
      miniatures: [
        { scale: 4, value: 120000.2, error: -0.028, pass: true },
        { scale: 16, value: 0, error: -1, pass: false },
      ],
    },
  ],
  speed: [
    { scale: 1, wallSeconds: 2.345, speedup: 1 },
    { scale: 4, wallSeconds: 0.614, speedup: 3.819 },
    { scale: 16, wallSeconds: 0.2, speedup: 11.725 },
  ],
  pass: false,
};

describe('summaryRows', () => {
  test('gives a row per VM: on or not, ops, throughput to the op, memory to a tenth of a MiB', () => {
    expect(summaryRows(summary)).toEqual([
      {
        vm: 'web',
        on: 'yes',
        ops: 250,
        'throughput (ops/s)': 126,
        'allocated MiB': 3.1,
        'swapped MiB': 0,
        'shared MiB': 1.3,
        'double paging (pages)': 7,
      },
      {
        vm: 'db',
        on: 'no',
        ops: 0,
        'throughput (ops/s)': 0,
        'allocated MiB': 0,
        'swapped MiB': 0,
        'shared MiB': 0,
        'double paging (pages)': 0,
      },
    ]);
    // The columns in the order a table shows them.
    expect(Object.keys(summaryRows(summary)[0]!)).toEqual([
      'vm',
      'on',
      'ops',
      'throughput (ops/s)',
      'allocated MiB',
      'swapped MiB',
      'shared MiB',
      'double paging (pages)',
    ]);
  });
});

describe('figureRows', () => {
  test('puts each figure published beside simulated, its tolerance or bound, and its verdict', () => {
    expect(
      figureRows([
        figure('free memory', 'MiB', 1234.567, 1180.2, 50),
        figure('ratio', '', 0.951234, 0.96, 0.0154321),
        above('speed-up', '×', 1, 2.345),
        below('overhead', '%', 5, 0.012345),
      ]),
    ).toEqual([
      {
        figure: 'free memory',
        unit: 'MiB',
        published: 1235,
        simulated: 1180,
        tolerance: '± 50',
        result: 'FAIL',
      },
      { figure: 'ratio', unit: '', published: 0.951, simulated: 0.96, tolerance: '± 0.0154', result: 'pass' },
      { figure: 'speed-up', unit: '×', published: 1, simulated: 2.35, tolerance: '> 1', result: 'pass' },
      { figure: 'overhead', unit: '%', published: 5, simulated: 0.0123, tolerance: '≤ 5', result: 'pass' },
    ]);
  });
});

describe('significant', () => {
  const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

  test.prop([value])('keeps 3 significant digits below 1000, and whole numbers from 1000 up', (v) => {
    const shown = significant(v);
    if (Math.abs(v) >= 1000) {
      expect(Number.isInteger(shown)).toBe(true);
      expect(Math.abs(shown - v)).toBeLessThanOrEqual(0.5);
    } else {
      // 3 digits: off by at most half a unit of the third.
      expect(Math.abs(shown - v)).toBeLessThanOrEqual(0.005 * Math.abs(v) + Number.MIN_VALUE);
      expect(Number(shown.toPrecision(3)) === shown).toBe(true);
    }
    // Shown again, a shown figure is the same (=== as -0 shows as 0).
    expect(significant(shown) === shown).toBe(true);
  });
});

describe('miniatureRows', () => {
  test("gives each figure in full, then each miniature's value and signed error, a miss marked", () => {
    const rows = miniatureRows(check);
    expect(rows).toEqual([
      {
        vm: 'hot',
        metric: 'allocated (MiB)',
        full: 5.43,
        'R=4': 5.5,
        'error R=4': '+1.2%',
        'R=16': 6.79,
        'error R=16': '-7.1% ✗',
      },
      {
        vm: 'hot',
        metric: 'throughput (ops/s)',
        full: 123457,
        'R=4': 120000,
        'error R=4': '-2.8%',
        'R=16': 0,
        'error R=16': '-100.0% ✗',
      },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['vm', 'metric', 'full', 'R=4', 'error R=4', 'R=16', 'error R=16']);
  });
});
