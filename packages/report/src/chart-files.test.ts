import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonChart } from './chart';
import { writeChart, writeChartFiles } from './chart-files';

const SPEC = comparisonChart([{ label: 'simulated', kind: 'simulated', points: [{ x: 1, y: 2 }] }], {
  title: 'one point',
  xTitle: 'x',
  yTitle: 'y',
});

describe('chart files', () => {
  it('draws a chart as SVG and PNG, each in the format its file asks for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hvsim-chart-'));
    const base = join(dir, 'curve');
    expect(await writeChart(base, SPEC)).toEqual([`${base}.svg`, `${base}.png`]);
    expect(readFileSync(`${base}.svg`, 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(`${base}.png`).subarray(1, 4).toString()).toBe('PNG');
  });

  it('names the file it cannot write, and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hvsim-chart-'));
    writeFileSync(join(dir, 'taken'), 'x');
    const path = join(dir, 'taken', 'curve.svg');
    await expect(writeChartFiles(SPEC, [{ path, type: 'svg' }])).rejects.toThrow(
      `${path}: cannot write the chart: a part of the path is a file, not a folder`,
    );
  });
});
