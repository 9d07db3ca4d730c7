import { comparisonChart, type HtmlReport, renderHtmlReport } from '@hvsim/report';
import { describe, expect, test } from 'vitest';
import { above, comparison, figure } from './experiment';
import { type MiniatureCheck, miniatureChart } from './miniature-check';
import { miniatureCheckReport, reproductionReport } from './result-reports';
import { figureRows, miniatureRows } from './result-tables';
import type { ExperimentResult } from './run-experiment';

const figures = [figure('free memory', 'MiB', 100, 104, 5), above('speed-up', '×', 1, 0.5)];
const result: ExperimentResult = {
  name: 'esx-fig9',
  title: 'ESX Fig. 9: a figure',
  pass: false,
  figures,
  ...comparison(
    [
      { label: 'paper', kind: 'published', points: [{ x: 1, y: 100 }] },
      { label: 'hvsim', kind: 'simulated', points: [{ x: 1, y: 104 }] },
    ],
    { title: 'Free memory', xTitle: 'VMs', yTitle: 'MiB' },
  ),
  measurements: [{ vms: 1, 'free MiB': 104 }],
};

const titles = (report: HtmlReport) => report.sections.map((s) => s.title);

describe('reproductionReport', () => {
  test('says which experiment ran on which seed and how many figures pass', () => {
    const report = reproductionReport(result, { version: '1.0.0', seed: 7 });
    expect(report.title).toBe('ESX Fig. 9: a figure');
    expect(report.kind).toBe('reproduction');
    expect(report.facts).toEqual([
      { label: 'experiment', value: 'esx-fig9' },
      { label: 'seed', value: '7' },
      { label: 'result', value: '1 of 2 figures pass' },
      { label: 'hvsim', value: '1.0.0' },
    ]);
    const passing = [figures[0]!, above('speed-up', '×', 1, 2)];
    const own = reproductionReport({ ...result, figures: passing, pass: true }, { version: 'v' });
    expect(own.facts.slice(1, 3)).toEqual([
      { label: 'seed', value: "the experiment's own" },
      { label: 'result', value: 'all 2 figures pass' },
    ]);
  });

  test('shows the figures with their verdicts, the chart, and the measurements when there are any', () => {
    const report = reproductionReport(result, { version: 'v' });
    expect(titles(report)).toEqual(['Figures', 'Chart', 'Measurements']);
    expect(report.sections[0]!.blocks).toEqual([
      { kind: 'table', rows: figureRows(figures), verdict: 'result', sortable: true },
    ]);
    expect(report.sections[1]!.blocks).toEqual([
      {
        kind: 'chart',
        name: 'comparison',
        spec: comparisonChart(result.series, { ...result.chartOptions, interactive: true }),
        caption: 'Lines are simulated; filled points are the values published in the paper.',
      },
    ]);
    expect(report.sections[2]!.blocks).toEqual([
      { kind: 'table', rows: result.measurements, sortable: true },
    ]);
    expect(titles(reproductionReport({ ...result, measurements: [] }, { version: 'v' }))).toEqual([
      'Figures',
      'Chart',
    ]);
    const { measurements: _, ...without } = result;
    expect(titles(reproductionReport(without, { version: 'v' }))).toEqual(['Figures', 'Chart']);
  });

  test('renders as a page with the verdicts coloured', () => {
    const page = renderHtmlReport(reproductionReport(result, { version: 'v' }));
    expect(page).toContain('<td class="pass">pass</td>');
    expect(page).toContain('<td class="fail">FAIL</td>');
    expect(page).toContain('id="chart-comparison"');
  });
});

const check: MiniatureCheck = {
  scenario: 'tiny',
  seeds: [1, 2],
  tolerances: { memory: 0.05, throughput: 0.1 },
  rows: [
    {
      vm: 'hot',
      metric: 'allocated',
      unit: 'MiB',
      full: 5,
      miniatures: [
        { scale: 4, value: 5.1, error: 0.0125, pass: true },
        { scale: 16, value: 6, error: 0.125, pass: false },
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

describe('miniatureCheckReport', () => {
  test('says the seeds, the scales and how many figures miss', () => {
    const report = miniatureCheckReport(check, { version: '1.0.0' });
    expect(report.title).toBe('tiny');
    expect(report.kind).toBe('miniature check');
    expect(report.facts).toEqual([
      { label: 'seeds', value: '1, 2' },
      { label: 'scales', value: '1, 4, 16' },
      { label: 'result', value: '1 figure outside' },
      { label: 'hvsim', value: '1.0.0' },
    ]);
    const passing: MiniatureCheck = {
      ...check,
      seeds: [3],
      rows: [{ ...check.rows[0]!, miniatures: [check.rows[0]!.miniatures[0]!] }],
      pass: true,
    };
    expect(miniatureCheckReport(passing, { version: 'v' }).facts.slice(0, 3)).toEqual([
      { label: 'seed', value: '3' },
      { label: 'scales', value: '1, 4, 16' },
      { label: 'result', value: 'every figure within its tolerance' },
    ]);
  });

  test('shows the errors against their tolerances, the figures, and the speed-up of each scale', () => {
    const report = miniatureCheckReport(check, { version: 'v' });
    expect(titles(report)).toEqual(['Errors', 'Figures', 'Speed']);
    expect(report.sections[0]!.blocks).toEqual([
      {
        kind: 'chart',
        name: 'errors',
        spec: miniatureChart(check),
        caption: "Tolerances: memory 5% of the VM's configured memory, throughput 10% of the full run's.",
      },
    ]);
    expect(report.sections[1]!.blocks).toEqual([
      { kind: 'table', rows: miniatureRows(check), sortable: true },
    ]);
    expect(report.sections[2]!.blocks).toEqual([
      {
        kind: 'table',
        rows: [
          { scale: 'full', 'wall seconds per run': 2.35, 'speed-up': 1 },
          { scale: 'R=4', 'wall seconds per run': 0.61, 'speed-up': 3.8 },
          { scale: 'R=16', 'wall seconds per run': 0.2, 'speed-up': 11.7 },
        ],
      },
    ]);
    expect(() => renderHtmlReport(report)).not.toThrow();
  });

  test('gives tolerances as a reader would write them', () => {
    const caption = (tolerances: MiniatureCheck['tolerances']) => {
      const block = miniatureCheckReport({ ...check, tolerances }, { version: 'v' }).sections[0]!.blocks[0]!;
      return block.kind === 'chart' ? block.caption : undefined;
    };
    // 100 × 0.07 is 7.000000000000001 in floating point.
    expect(caption({ memory: 0.07, throughput: 0.035 })).toBe(
      "Tolerances: memory 7% of the VM's configured memory, throughput 3.5% of the full run's.",
    );
  });
});
