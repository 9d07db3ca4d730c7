import { fc, test } from '@fast-check/vitest';
import {
  type ChartBlock,
  type HtmlReport,
  renderHtmlReport,
  renderSvg,
  type TableBlock,
} from '@hvsim/report';
import { defaultRegistry, parseScenario } from '@hvsim/scenario';
import type { SimEvent, VmId } from '@hvsim/spec';
import { beforeAll, describe, expect } from 'vitest';
import { summaryRows } from './result-tables';
import { runFacts, runReport, runSections, stateBands } from './run-report';
import { type ScenarioRun, simulateScenario } from './scenario-run';

/** Two VMs on too little memory under the ESX stack, which moves through its free-memory states early on. */
const SCENARIO = `
name: report
seed: 3
duration: 200ms
host: { memory: 6MiB, swap: 16MiB, quantum: 1ms, metricInterval: 10ms }
policies: { stack: esx, rebalance: 20ms }
vms:
  - name: web
    memory: 4MiB
    guest: { kind: linux, bootTime: 5ms }
    workload: { kind: zipf, pages: 0.9 }
    detector: { kind: sampling, period: 50ms }
  - { name: db, memory: 4MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: uniform, pages: 0.8 } }
`;

/** A spec as the plain JSON it is, to look into without vega-lite's union types. */
// biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
const json = (spec: object): any => JSON.parse(JSON.stringify(spec));

const charts = (report: HtmlReport): ChartBlock[] =>
  report.sections.flatMap((s) => s.blocks.filter((b): b is ChartBlock => b.kind === 'chart'));
const chartNamed = (report: HtmlReport, name: string) =>
  json(charts(report).find((c) => c.name === name)!.spec);
const sectionNamed = (report: HtmlReport, title: string) => report.sections.find((s) => s.title === title)!;

let run: ScenarioRun;
let report: HtmlReport;
beforeAll(async () => {
  run = simulateScenario(await parseScenario(SCENARIO, 'report.yaml', defaultRegistry()), {
    wallClock: () => 0,
  });
  report = runReport(run, { version: '9.9.9', scenarioText: 'name: report\n' });
});

describe('runReport', () => {
  test('says what was run: the scenario, seed, simulated time, VMs and version', () => {
    expect(report.title).toBe('report');
    expect(report.kind).toBe('run');
    expect(report.vms).toEqual(['web', 'db']);
    expect(report.facts).toEqual([
      { label: 'seed', value: '3' },
      { label: 'simulated', value: '0.2 s' },
      { label: 'VMs', value: '2' },
      { label: 'hvsim', value: '9.9.9' },
    ]);
    const miniature = runFacts({ ...run, summary: { ...run.summary, scale: 8 } }, 'v');
    expect(miniature[3]).toEqual({
      label: 'miniature',
      value: 'scale 8, figures scaled back to the full host',
    });
  });

  test('has its sections in order, the scenario as run last, and sections of its caller first', () => {
    expect(report.sections.map((s) => s.title)).toEqual([
      'Summary',
      'Memory',
      'Throughput',
      'Each VM',
      'Events',
      'Scenario',
    ]);
    expect(sectionNamed(report, 'Scenario').blocks).toEqual([
      { kind: 'code', text: 'name: report\n', caption: 'as run' },
    ]);
    const told = runReport(run, {
      version: 'v',
      scenarioText: '',
      title: 'A story',
      kind: 'demo',
      before: [{ title: 'What happened', blocks: [{ kind: 'text', paragraphs: ['…'] }] }],
    });
    expect([told.title, told.kind]).toEqual(['A story', 'demo']);
    expect(told.sections.map((s) => s.title)).toEqual([
      'What happened',
      ...report.sections.map((s) => s.title),
    ]);
  });

  test('sums the run up in a sortable table of the VMs and a line on the host', () => {
    const [table, text] = sectionNamed(report, 'Summary').blocks;
    expect(table).toEqual({ kind: 'table', rows: summaryRows(run.summary), sortable: true });
    expect((table as TableBlock).rows.map((r) => r['vm'])).toEqual(['web', 'db']);
    expect(text).toEqual({
      kind: 'text',
      paragraphs: [
        expect.stringMatching(
          new RegExp(
            `^At the end the host had [\\d.]+ MiB free and [\\d.]+ MiB in swap; ${run.events.length} events`,
          ),
        ),
      ],
    });
  });

  test('gives every chart a unique name a page can use as an id', () => {
    const names = charts(report).map((c) => c.name);
    expect(names).toEqual(['allocation', 'host-free', 'swapped', 'throughput', 'vm-0', 'vm-1', 'events']);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('draws each VM on a chart of its own that hides with it, with its memory as configured', () => {
    const blocks = sectionNamed(report, 'Each VM').blocks as ChartBlock[];
    expect(blocks.map((b) => [b.kind, b.name, b.vm])).toEqual([
      ['chart', 'vm-0', 'web'],
      ['chart', 'vm-1', 'db'],
    ]);
    const web = json(blocks[0]!.spec);
    const lines = web.layer[0];
    // Only web has a detector, so only it has an active estimate.
    expect(lines.encoding.color.scale.domain).toEqual([
      'allocated',
      'target',
      'shared',
      'swapped',
      'ballooned',
      'compressed',
      'active estimate',
    ]);
    expect(json(blocks[1]!.spec).layer[0].encoding.color.scale.domain).not.toContain('active estimate');
    expect(web.layer.at(-2).data.values).toEqual([{ value: 4, label: 'configured, 4 MiB' }]);
    // Interactive: the page hides lines through this parameter.
    expect(web.params).toEqual([
      { name: 'hidden', value: [] },
      { name: 'hover_time', value: null },
    ]);
  });

  test('draws memory and throughput a line per VM, with the host memory across', () => {
    const allocation = chartNamed(report, 'allocation');
    expect(allocation.layer[0].encoding.color.scale.domain).toEqual(['web', 'db']);
    expect(allocation.layer.at(-2).data.values).toEqual([{ value: 6, label: 'host memory, 6 MiB' }]);
    expect(chartNamed(report, 'throughput').layer[0].encoding.y.scale).toEqual({ type: 'symlog' });
  });

  test("puts the host's free memory over bands of its reclamation states", async () => {
    const states = run.events.filter((e) => e.kind === 'state-change');
    expect(states.length).toBeGreaterThan(1);
    const chart = chartNamed(report, 'host-free');
    const [bands, lines] = chart.layer;
    expect(bands.mark.type).toBe('rect');
    expect(lines.mark.type).toBe('line');
    const expected = stateBands(run.events, run.metrics.times.at(-1)!);
    expect(bands.data.values).toEqual(
      expected.map((b) => ({ time_s: b.start / 1e9, time_s_end: b.end / 1e9, state: b.state })),
    );
    expect(bands.encoding.fill.scale.domain).toEqual([...new Set(expected.map((b) => b.state))]);
    // One rectangle a band (the chart has no ARIA descriptions to count them by).
    const svg = await renderSvg(chart);
    const rects = /class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/.exec(svg)![1]!;
    expect(rects.split('<path').length - 1).toBe(expected.length);
  });

  test('shows the event log on a timeline, each event under its VM’s name', async () => {
    const events = chartNamed(report, 'events');
    expect(events.title).toBe(`Events (${run.events.length})`);
    expect(events.data.values).toHaveLength(run.events.length);
    const vms = new Set(events.data.values.map((v: { vm: string }) => v.vm));
    expect([...vms].sort()).toEqual(['db', 'host', 'web']);
    expect(events.encoding.y.sort).toEqual([...new Set(run.events.map((e) => e.kind))]);
    expect(await renderSvg(events)).toContain('Events (');
  });

  test('renders as a page', () => {
    const page = renderHtmlReport(report);
    expect(page).toContain('<h1>report</h1>');
    expect(page).toContain('data-vm="db"');
  });
});

describe('runSections', () => {
  test("prefixes chart names and titles, so several runs' sections fit on one page", () => {
    const a = runSections(run, { name: 'a', label: 'run A' });
    expect(a.map((s) => s.title)).toEqual([
      'Summary: run A',
      'Memory: run A',
      'Throughput: run A',
      'Each VM: run A',
      'Events: run A',
    ]);
    const both: HtmlReport = {
      ...report,
      sections: [...a, ...runSections(run, { name: 'b', label: 'run B' })],
    };
    const names = charts(both).map((c) => c.name);
    expect(names.slice(0, 2)).toEqual(['a-allocation', 'a-host-free']);
    expect(new Set(names).size).toBe(names.length);
    expect(() => renderHtmlReport(both)).not.toThrow();
  });

  test('draws no bands without state changes, and says so when there are no events', () => {
    const quiet: ScenarioRun = { ...run, events: [] };
    const sections = runSections(quiet);
    const hostFree = json((sectionNamed({ ...report, sections }, 'Memory').blocks[1] as ChartBlock).spec);
    expect(hostFree.layer.map((l: { mark: { type: string } }) => l.mark.type)).not.toContain('rect');
    expect(sectionNamed({ ...report, sections }, 'Events').blocks).toEqual([
      { kind: 'text', paragraphs: ['No events were logged.'] },
    ]);
  });

  test('says a chart of the VMs recorded nothing when no VM ran, and still renders', () => {
    const none: ScenarioRun = {
      ...run,
      metrics: { ...run.metrics, series: run.metrics.series.filter((s) => s.vm === undefined) },
    };
    const sections = runSections(none);
    expect(sectionNamed({ ...report, sections }, 'Memory').blocks[0]).toEqual({
      kind: 'text',
      paragraphs: ['Memory each VM holds: nothing was recorded.'],
    });
    expect(() => renderHtmlReport({ ...report, sections })).not.toThrow();
  });

  test('says which VM recorded nothing, and which admission control refused', () => {
    const partial: ScenarioRun = {
      ...run,
      metrics: { ...run.metrics, series: run.metrics.series.filter((s) => s.vm !== 'db') },
      summary: {
        ...run.summary,
        vms: run.summary.vms.map((vm) => (vm.name === 'db' ? { ...vm, refused: 'no room' } : vm)),
      },
    };
    const sections = runSections(partial);
    const perVm = sections.find((s) => s.title === 'Each VM')!.blocks;
    expect(perVm[1]).toEqual({ kind: 'text', vm: 'db', paragraphs: ['db recorded no memory metrics.'] });
    expect(sections[0]!.blocks[1]).toEqual({
      kind: 'text',
      paragraphs: [expect.any(String), 'db was not powered on: no room.'],
    });
  });
});

describe('stateBands', () => {
  const change = (time: number, to: unknown): SimEvent => ({
    time,
    source: 'host',
    kind: 'state-change',
    data: { from: 'x', to: to as string },
  });

  test('gives a band from each state change to the next, the last to the end', () => {
    const events: SimEvent[] = [
      { time: 0, source: 'machine', kind: 'vm-added', vm: 1 as VmId },
      change(10, 'soft'),
      change(30, 'hard'),
      { time: 40, source: 'host', kind: 'power-on' },
      change(70, 'high'),
    ];
    expect(stateBands(events, 100)).toEqual([
      { start: 10, end: 30, state: 'soft' },
      { start: 30, end: 70, state: 'hard' },
      { start: 70, end: 100, state: 'high' },
    ]);
  });

  test('gives none without state changes, and leaves out a change to no named state', () => {
    expect(stateBands([], 100)).toEqual([]);
    expect(stateBands([{ time: 5, source: 'host', kind: 'power-on' }], 100)).toEqual([]);
    expect(stateBands([change(5, 3), change(9, 'low')], 20)).toEqual([{ start: 9, end: 20, state: 'low' }]);
  });

  test.prop([
    fc.array(fc.tuple(fc.nat(1000), fc.constantFrom('high', 'soft', 'hard', 'low')), { maxLength: 12 }),
  ])('tiles the time from the first change to the end, a band per change in its state', (changes) => {
    const sorted = [...changes].sort((a, b) => a[0] - b[0]);
    const bands = stateBands(
      sorted.map(([time, to]) => change(time, to)),
      1000,
    );
    expect(bands.map((b) => [b.start, b.state])).toEqual(sorted);
    bands.forEach((band, i) => {
      expect(band.end).toBe(bands[i + 1]?.start ?? 1000);
    });
  });
});
