import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvsimError, InvalidInputError, type MetricsTable, type SimEvent } from '@hvsim/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeSeriesChart } from './chart';
import { eventsFromJsonLines, metricsFromJson, metricsToCsv } from './csv';
import { type HtmlReport, renderHtmlReport } from './html-report';
import { writeReport, writeRunOutputs } from './outputs';

const metrics: MetricsTable = {
  times: Float64Array.from([0, 1e9, 2e9]),
  series: [
    { name: 'allocated', unit: 'pages', vm: 'vm1', values: Float64Array.from([1, 2, 3]) },
    { name: 'free', unit: 'pages', values: Float64Array.from([9, 8, 7]) },
  ],
};
const events: SimEvent[] = [{ time: 0, source: 'machine', kind: 'vm-added', data: { name: 'vm1' } }];
const chart = timeSeriesChart(metrics, {
  title: 'Memory',
  yTitle: 'pages',
  series: () => true,
  width: 120,
  height: 60,
});

const report: HtmlReport = {
  title: 'a run',
  kind: 'run',
  facts: [{ label: 'seed', value: '1' }],
  vms: ['vm1'],
  sections: [{ title: 'Memory', blocks: [{ kind: 'chart', name: 'memory', spec: chart, vm: 'vm1' }] }],
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hvsim-report-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeRunOutputs', () => {
  it('creates the folder and writes metrics, events and each chart as SVG and PNG', async () => {
    const dir = join(root, 'run', 'nested');
    const written = await writeRunOutputs(
      dir,
      { metrics, events, charts: [{ name: 'memory', spec: chart }] },
      { png: { width: 240 } },
    );
    expect(written).toEqual(
      ['metrics.json', 'metrics.csv', 'events.jsonl', 'memory.svg', 'memory.png'].map((name) =>
        join(dir, name),
      ),
    );
    expect((await readdir(dir)).sort()).toEqual(
      ['events.jsonl', 'memory.png', 'memory.svg', 'metrics.csv', 'metrics.json'].sort(),
    );
    expect(metricsFromJson(await readFile(join(dir, 'metrics.json'), 'utf8'))).toEqual(metrics);
    expect(await readFile(join(dir, 'metrics.csv'), 'utf8')).toBe(metricsToCsv(metrics));
    expect(eventsFromJsonLines(await readFile(join(dir, 'events.jsonl'), 'utf8'))).toEqual(events);
    expect(await readFile(join(dir, 'memory.svg'), 'utf8')).toContain('>Memory</text>');
    const png = await readFile(join(dir, 'memory.png'));
    expect(png.readUInt32BE(16)).toBe(240);
  });

  it('writes report.html last when given a report', async () => {
    const dir = join(root, 'with-report');
    const written = await writeRunOutputs(dir, {
      metrics,
      events,
      charts: [{ name: 'memory', spec: chart }],
      report,
    });
    expect(written.map((path) => path.slice(dir.length + 1))).toEqual([
      'metrics.json',
      'metrics.csv',
      'events.jsonl',
      'memory.svg',
      'memory.png',
      'report.html',
    ]);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toBe(renderHtmlReport(report));
  });

  it('rejects a report it cannot draw before writing anything', async () => {
    const dir = join(root, 'bad-report');
    const bad = { ...report, vms: [] };
    await expect(writeRunOutputs(dir, { metrics, events, charts: [], report: bad })).rejects.toThrow(
      'sections[0].blocks[0].vm',
    );
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('writes only the data files when there are no charts', async () => {
    const dir = join(root, 'plain');
    expect(await writeRunOutputs(dir, { metrics, events: [], charts: [] })).toHaveLength(3);
    expect(await readFile(join(dir, 'events.jsonl'), 'utf8')).toBe('');
  });

  it('reports a folder it cannot create as an HvsimError naming the path', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const dir = join(file, 'run');
    const error = await writeRunOutputs(dir, { metrics, events, charts: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as HvsimError).code).toBe('output-write-failed');
    expect((error as HvsimError).field).toBe(dir);
    expect((error as HvsimError).message).toContain(dir);
    expect((error as HvsimError).message).toMatch(/: a part of the path is a file, not a folder$/);
  });

  // Node's recursive mkdir retried forever where the folder cannot be made although its parent exists.
  it.runIf(existsSync('/proc/self'))(
    'fails at once on a folder the system refuses to create',
    async () => {
      const error = await writeRunOutputs('/proc/hvsim-run', { metrics, events, charts: [] }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HvsimError);
      expect((error as HvsimError).field).toBe('/proc/hvsim-run');
    },
    5_000,
  );

  it('rejects chart names that are not plain file names, or used twice, before writing', async () => {
    const dir = join(root, 'never');
    await expect(
      writeRunOutputs(dir, { metrics, events, charts: [{ name: '../x', spec: chart }] }),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      writeRunOutputs(dir, {
        metrics,
        events,
        charts: [
          { name: 'a', spec: chart },
          { name: 'a', spec: chart },
        ],
      }),
    ).rejects.toThrow('charts[1].name');
    await expect(readdir(dir)).rejects.toThrow();
  });
});

describe('writeReport', () => {
  it('writes the page to <dir>/report.html, making the folder, and returns its path', async () => {
    const dir = join(root, 'report', 'nested');
    const path = await writeReport(dir, report);
    expect(path).toBe(join(dir, 'report.html'));
    expect(await readdir(dir)).toEqual(['report.html']);
    expect(await readFile(path, 'utf8')).toBe(renderHtmlReport(report));
    // A second write replaces the page.
    await writeReport(dir, { ...report, title: 'again' });
    expect(await readFile(path, 'utf8')).toContain('<h1>again</h1>');
  });

  it('reports a folder it cannot create as an HvsimError naming the path', async () => {
    const file = join(root, 'a-file-too');
    await writeFile(file, 'x');
    const error = await writeReport(join(file, 'out'), report).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as HvsimError).code).toBe('output-write-failed');
    expect((error as HvsimError).field).toBe(join(file, 'out'));
  });
});
