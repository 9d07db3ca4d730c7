import { HvsimError, InvalidInputError, type MetricsTable } from '@hvsim/spec';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import {
  type ComparisonSeries,
  comparisonChart,
  HIDDEN_SERIES_PARAM,
  HOVER_TIME_PARAM,
  PNG_SIGNATURE,
  renderPng,
  renderSvg,
  timeAxis,
  timeSeriesChart,
} from './chart';

const table: MetricsTable = {
  times: Float64Array.from([0, 1e9, 2e9, 3e9]),
  series: [
    { name: 'allocated', unit: 'pages', vm: 'vm1', values: Float64Array.from([100, 200, 300, 250]) },
    { name: 'allocated', unit: 'pages', vm: 'vm2', values: Float64Array.from([300, 250, Number.NaN, 100]) },
    { name: 'throughput', unit: 'ops/s', vm: 'vm1', values: Float64Array.from([1, 2, 3, 4]) },
    { name: 'free', unit: 'pages', values: Float64Array.from([600, 550, 500, 650]) },
  ],
};

const allocated = timeSeriesChart(table, {
  title: 'Allocated memory',
  yTitle: 'pages',
  series: (s) => s.unit === 'pages',
  width: 200,
  height: 100,
});

/** A spec as the plain JSON it is, to look into without vega-lite's union types. */
// biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
type Json = any;
const json = (spec: object): Json => JSON.parse(JSON.stringify(spec));

const count = (text: string, needle: string): number => text.split(needle).length - 1;
const LINE = 'aria-roledescription="line mark"';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('timeSeriesChart', () => {
  it('builds a line chart over time in seconds, one colour per selected series', () => {
    const spec = json(allocated);
    expect(spec['$schema']).toMatch(/vega-lite\/v6/);
    expect(spec['title']).toBe('Allocated memory');
    expect([spec['width'], spec['height']]).toEqual([200, 100]);
    expect(spec['mark']).toMatchObject({ type: 'line' });
    expect(spec['encoding'].x).toMatchObject({ field: 'time_s', type: 'quantitative', title: 'time (s)' });
    expect(spec['encoding'].y).toMatchObject({ field: 'value', type: 'quantitative', title: 'pages' });
    expect(spec['encoding'].color).toMatchObject({ field: 'series', type: 'nominal' });
    expect(spec['encoding'].color.scale.domain).toEqual(['vm1/allocated', 'vm2/allocated', 'host/free']);
    const values = spec['data'].values as { time_s: number; value: number | null; series: string }[];
    expect(values).toHaveLength(12);
    expect(values.slice(4, 8)).toEqual([
      { time_s: 0, value: 300, series: 'vm2/allocated' },
      { time_s: 1, value: 250, series: 'vm2/allocated' },
      { time_s: 2, value: null, series: 'vm2/allocated' },
      { time_s: 3, value: 100, series: 'vm2/allocated' },
    ]);
  });

  it('scales values, names series as told, and draws a symlog axis with a tick per decade', () => {
    const spec = json(
      timeSeriesChart(table, {
        title: 'Throughput',
        yTitle: 'ops/s',
        series: (s) => s.name === 'allocated',
        label: (s) => s.vm ?? 'host',
        scale: 1000,
        yScale: 'symlog',
      }),
    );
    expect(spec['encoding'].color.scale.domain).toEqual(['vm1', 'vm2']);
    expect(spec['encoding'].color.title).toBeNull();
    expect(spec['data'].values[1]).toEqual({ time_s: 1, value: 200_000, series: 'vm1' });
    expect(spec['encoding'].y.scale).toEqual({ type: 'symlog' });
    expect(spec['encoding'].y.axis.values).toEqual([0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000]);
    expect(() => timeSeriesChart(table, { title: 't', yTitle: 'y', series: () => true, scale: 0 })).toThrow(
      'scale: expected a factor above 0, got 0',
    );
  });

  it('draws reference lines across, labelled, in a layer over the series', async () => {
    const spec = timeSeriesChart(table, {
      title: 'Allocated memory',
      yTitle: 'pages',
      series: (s) => s.unit === 'pages',
      rules: [{ label: 'host memory, 700 pages', value: 700 }],
    });
    const layers = json(spec)['layer'];
    expect(layers.map((l: Json) => l.mark.type)).toEqual(['line', 'rule', 'text']);
    expect(layers[1].data.values).toEqual([{ value: 700, label: 'host memory, 700 pages' }]);
    const svg = await renderSvg(spec);
    expect(count(svg, LINE)).toBe(3);
    expect(svg).toContain('host memory, 700 pages');
  });

  it('adds the unit to labels two selected series would share', () => {
    const spec = json(
      timeSeriesChart(
        {
          times: Float64Array.from([0]),
          series: [
            { name: 'x', unit: 'pages', values: Float64Array.from([1]) },
            { name: 'x', unit: 'MiB', values: Float64Array.from([1]) },
          ],
        },
        { title: 't', yTitle: 'y', series: () => true },
      ),
    );
    expect(spec['encoding'].color.scale.domain).toEqual(['host/x (pages)', 'host/x (MiB)']);
  });

  it('rejects a selection that matches nothing and sizes that are not pixels', () => {
    expect(() => timeSeriesChart(table, { title: 't', yTitle: 'y', series: () => false })).toThrow(
      InvalidInputError,
    );
    expect(() => timeSeriesChart(table, { title: 't', yTitle: 'y', series: () => true, width: 0 })).toThrow(
      /width: expected a whole number of pixels/,
    );
  });
});

describe('timeSeriesChart, interactive', () => {
  /** Lines whose labels vega would read as nested fields or quoted parts of a path, were they not escaped. */
  const tricky: MetricsTable = {
    times: Float64Array.from([0, 1e9, 2e9]),
    series: [
      { name: 'x', unit: 'u', vm: 'a.b[0]', values: Float64Array.from([1, 2, 3]) },
      { name: 'x', unit: 'u', vm: 'q"x', values: Float64Array.from([30, 20, 10]) },
      { name: 'x', unit: 'u', vm: "s'x", values: Float64Array.from([5, 5, 5]) },
    ],
  };
  const interactive = timeSeriesChart(tricky, {
    title: 'Hover',
    yTitle: 'y',
    series: () => true,
    label: (s) => s.vm!,
    interactive: true,
    rules: [{ label: 'capacity', value: 40 }],
    width: 100,
    height: 50,
  });

  /** The chart laid out as the page lays it out, with some lines hidden and a time under the pointer. */
  async function laidOut(spec: object, hidden: string[] = [], hover: number | null = null): Promise<string> {
    const view = new View(parse(compile(spec as TopLevelSpec).spec), { renderer: 'none' });
    try {
      view.signal(HIDDEN_SERIES_PARAM, hidden);
      view.signal(HOVER_TIME_PARAM, hover);
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** Lines drawn in an interactive chart's SVG: a group each (it has no ARIA descriptions to count them by). */
  const drawnLines = (svg: string): number => count(svg, 'class="mark-line role-mark');

  it('compiles without a warning and renders, with no ARIA description per sample', async () => {
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      error: (...args: unknown[]) => void warnings.push(args.join(' ')),
      warn: (...args: unknown[]) => void warnings.push(args.join(' ')),
      info: () => logger,
      debug: () => logger,
    };
    // biome-ignore lint/suspicious/noExplicitAny: a logger of the shape vega-lite calls
    compile(interactive, { logger: logger as any });
    expect(warnings).toEqual([]);
    expect(json(interactive)['config']).toEqual({ aria: false });
    expect(drawnLines(await renderSvg(interactive))).toBe(3);
  });

  it('starts with no line hidden, and leaves out the lines whose labels the parameter lists', async () => {
    expect(json(interactive)['params']).toEqual([
      { name: HIDDEN_SERIES_PARAM, value: [] },
      { name: HOVER_TIME_PARAM, value: null },
    ]);
    expect(drawnLines(await laidOut(interactive))).toBe(3);
    expect(drawnLines(await laidOut(interactive, ['a.b[0]']))).toBe(2);
    expect(drawnLines(await laidOut(interactive, ['a.b[0]', 'q"x', "s'x"]))).toBe(0);
  });

  it('zooms the time axis, and marks the time under the pointer that the page reads out', async () => {
    const spec = json(interactive);
    const [lines, hover] = spec['layer'];
    expect(lines.params).toEqual([
      { name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' },
    ]);
    // The page finds every line's value at that time in the chart's own rows, by these fields.
    expect(spec['usermeta']).toEqual({ hover: { time: 'time_s', title: 'time (s)' } });
    expect(hover.mark.type).toBe('rule');
    const rule = (svg: string) =>
      /class="mark-rule role-mark layer_1_marks"[\s\S]*?<line[^>]*>/.exec(svg)![0];
    // No time under the pointer: the rule is not seen; at 1 s it crosses the plot at x = 50 (of 100 px).
    expect(rule(await laidOut(interactive))).toContain('opacity="0"');
    const at = rule(await laidOut(interactive, [], 1));
    expect(at).not.toContain('opacity="0"');
    expect(at).toMatch(/transform="translate\(50,/);
  });

  it('draws a rule’s label below its line, so a line at the top keeps its label inside the plot', async () => {
    const spec = json(interactive);
    const label = spec['layer'].at(-1);
    expect(label.mark).toMatchObject({ type: 'text', baseline: 'top' });
    expect(label.mark.dy).toBeGreaterThan(0);
    const svg = await renderSvg(
      timeSeriesChart(tricky, {
        title: 'Static',
        yTitle: 'y',
        series: () => true,
        label: (s) => s.vm!,
        rules: [{ label: 'capacity', value: 40 }],
        width: 100,
        height: 50,
      }),
    );
    const ruleY = Number(/aria-label="y: 40"[^>]*transform="translate\([^,]+,([^)]+)\)"/.exec(svg)![1]);
    const textY = Number(
      /aria-label="y: 40; label: capacity"[^>]*transform="translate\([^,]+,([^)]+)\)"/.exec(svg)![1],
    );
    // The rule sits on the plot's top edge (40 is the largest value drawn); its label hangs below it.
    expect(ruleY).toBe(0);
    expect(textY).toBeGreaterThan(ruleY);
    expect(svg).toContain('>capacity</text>');
  });

  it('leaves out the inside of a run of equal values, which draws the same line', () => {
    const steps: MetricsTable = {
      times: Float64Array.from({ length: 7 }, (_, i) => i * 1e9),
      series: [{ name: 'x', unit: 'u', vm: 'a', values: Float64Array.from([1, 1, 1, 1, 2, 2, Number.NaN]) }],
    };
    const rows = json(timeSeriesChart(steps, { title: 't', yTitle: 'y', series: () => true }))['data'].values;
    expect(rows.map((r: Json) => [r.time_s, r.value])).toEqual([
      [0, 1],
      [3, 1],
      [4, 2],
      [5, 2],
      [6, null],
    ]);
  });

  it('cuts each line to maxPoints sample times, the same for every line, keeping its peaks', () => {
    const times = Float64Array.from({ length: 500 }, (_, i) => i * 1e8);
    const long: MetricsTable = {
      times,
      series: [
        {
          name: 'x',
          unit: 'u',
          vm: 'a',
          values: Float64Array.from(times, (_, i) => (i === 321 ? 99 : i % 7)),
        },
        { name: 'x', unit: 'u', vm: 'b', values: Float64Array.from(times, (_, i) => -i) },
      ],
    };
    const values = json(
      timeSeriesChart(long, {
        title: 't',
        yTitle: 'y',
        series: () => true,
        maxPoints: 40,
        interactive: true,
      }),
    )['data'].values as { time_s: number; value: number; series: string }[];
    const of = (series: string) => values.filter((v) => v.series === series);
    expect(of('a/x')).toHaveLength(40);
    expect(of('b/x').map((v) => v.time_s)).toEqual(of('a/x').map((v) => v.time_s));
    expect(Math.max(...of('a/x').map((v) => v.value))).toBe(99);
    expect(Math.min(...of('b/x').map((v) => v.value))).toBe(-499);
    expect(of('a/x')[0]!.time_s).toBe(0);
    expect(of('a/x').at(-1)!.time_s).toBeCloseTo(49.9, 9);
    expect(() =>
      timeSeriesChart(long, { title: 't', yTitle: 'y', series: () => true, maxPoints: 1 }),
    ).toThrow('maxPoints');
  });

  it('puts time in minutes on the axis and in the readout of a run longer than ten minutes', () => {
    const long: MetricsTable = {
      times: Float64Array.from([0, 600e9, 1200e9]),
      series: [{ name: 'free', unit: 'pages', values: Float64Array.from([1, 2, 3]) }],
    };
    const spec = json(
      timeSeriesChart(long, { title: 't', yTitle: 'y', series: () => true, interactive: true }),
    );
    expect(spec['layer'][0].encoding.x).toMatchObject({ field: 'time_min', title: 'time (min)' });
    expect(spec['usermeta']).toEqual({ hover: { time: 'time_min', title: 'time (min)' } });
    expect(spec['data'].values.map((v: Json) => v.time_min)).toEqual([0, 10, 20]);
  });
});

describe('timeAxis', () => {
  it('counts seconds up to ten minutes, and minutes beyond', () => {
    expect(timeAxis(0)).toEqual({ field: 'time_s', title: 'time (s)', per: 1e9 });
    expect(timeAxis(600e9)).toEqual({ field: 'time_s', title: 'time (s)', per: 1e9 });
    expect(timeAxis(600e9 + 1)).toEqual({ field: 'time_min', title: 'time (min)', per: 60e9 });
  });
});

describe('comparisonChart', () => {
  const series: ComparisonSeries[] = [
    { label: 'ESX paper', kind: 'published', points: [1, 2, 3].map((x) => ({ x, y: x * 1.1 })) },
    { label: 'hvsim', kind: 'simulated', points: [1, 2, 3].map((x) => ({ x, y: x })) },
    { label: 'hvsim, no sharing', kind: 'simulated', points: [1, 3].map((x) => ({ x, y: x / 2 })) },
  ];
  const options = {
    title: 'Throughput vs. memory',
    xTitle: 'memory (MiB)',
    yTitle: 'ops/s',
    width: 200,
    height: 100,
  };
  const spec = json(comparisonChart(series, options));

  it('layers simulated lines and published points, with their values on hover', () => {
    expect(spec['layer'].map((layer: Json) => [layer.mark.type, layer.transform[0].filter.equal])).toEqual([
      ['line', 'simulated'],
      ['point', 'published'],
    ]);
    expect(spec['layer'][1].encoding.tooltip.map((t: Json) => t.field)).toEqual(['label', 'x', 'y']);
    expect(spec['encoding'].x.title).toBe('memory (MiB)');
    expect(spec['encoding'].y.title).toBe('ops/s');
    expect(spec['encoding'].color.scale.domain).toEqual(['ESX paper', 'hvsim', 'hvsim, no sharing']);
    expect(spec['data'].values).toHaveLength(8);
  });

  it('renders one line per simulated series and one mark per published point', async () => {
    const svg = await renderSvg(spec);
    expect(count(svg, LINE)).toBe(2);
    expect(count(svg, 'aria-roledescription="point"')).toBe(3);
    expect(svg).toContain('Throughput vs. memory');
  });

  it('on a page, rings the simulated point nearest the pointer, drawn only there', async () => {
    const page = json(comparisonChart(series, { ...options, interactive: true }));
    expect(page['layer'].map((layer: Json) => [layer.mark.type, layer.transform[0].filter.equal])).toEqual([
      ['line', 'simulated'],
      ['point', 'published'],
      ['point', 'simulated'],
    ]);
    const rings = page['layer'][2];
    expect(rings.params[0]).toMatchObject({ name: 'nearest', select: { nearest: true, on: 'pointerover' } });
    expect(rings.encoding.opacity).toEqual({
      condition: { param: 'nearest', empty: false, value: 1 },
      value: 0,
    });
    const opacities = [
      ...(await renderSvg(page)).matchAll(/aria-roledescription="point"[^>]*opacity="([\d.]+)"/g),
    ].map((m) => m[1]);
    // Three published points, then a ring per simulated point, drawn only under the pointer.
    expect(opacities).toEqual(['1', '1', '1', '0', '0', '0', '0', '0']);
  });

  it('rejects duplicate labels and unknown kinds, naming the entry', () => {
    const one = { label: 'a', kind: 'simulated' as const, points: [] };
    const options = { title: 't', xTitle: 'x', yTitle: 'y' };
    expect(() => comparisonChart([one, one], options)).toThrow('series[1].label');
    expect(() => comparisonChart([{ ...one, kind: 'paper' as 'published' }], options)).toThrow(
      'series[0].kind',
    );
  });
});

describe('comparisonChart with panels', () => {
  const line = (label: string, panel: string, y: number): ComparisonSeries => ({
    label,
    kind: 'simulated',
    panel,
    points: [0, 1, 2].map((x) => ({ x, y })),
  });
  const dots = (label: string, panel: string, y: number): ComparisonSeries => ({
    label,
    kind: 'published',
    panel,
    points: [{ x: 1, y }],
  });
  const series = [
    line('state', 'state', 0),
    dots('state (paper)', 'state', 1),
    line('alloc', 'memory', 100),
    line('shared', 'memory', 20),
    dots('alloc (paper)', 'memory', 90),
  ];
  const options = {
    title: 'Figure 8',
    xTitle: 'time (min)',
    yTitle: 'MB',
    width: 200,
    height: 100,
    panels: [
      {
        name: 'state',
        title: '(a) state',
        yTitle: 'state',
        yLabels: ['high', 'soft', 'hard', 'low'],
        height: 40,
      },
      { name: 'memory', title: '(b) all VMs', yTitle: 'MB' },
    ],
  };
  const spec = json(comparisonChart(series, options));

  it('stacks a panel per entry under the title, each with its own series, y axis and legend', async () => {
    expect(spec.title).toBe('Figure 8');
    expect(spec.resolve).toEqual({ scale: { color: 'independent' } });
    const [state, memory] = spec.vconcat;
    expect([state.title, state.height, memory.title, memory.height]).toEqual([
      '(a) state',
      40,
      '(b) all VMs',
      100,
    ]);
    expect(state.encoding.color.scale.domain).toEqual(['state', 'state (paper)']);
    expect(memory.encoding.color.scale.domain).toEqual(['alloc', 'shared', 'alloc (paper)']);
    expect(memory.encoding.y.title).toBe('MB');
    expect(memory.encoding.x.title).toBe('time (min)');
    const svg = await renderSvg(spec);
    expect(count(svg, LINE)).toBe(3);
    expect(count(svg, 'aria-roledescription="point"')).toBe(2);
    expect(svg).toContain('(b) all VMs');
  });

  it("names a panel's whole numbers on its y axis when told", () => {
    const y = spec.vconcat[0].encoding.y;
    expect(y.scale.domain).toEqual([0, 3]);
    expect(y.axis.values).toEqual([0, 1, 2, 3]);
    expect(y.axis.labelExpr).toBe('["high","soft","hard","low"][datum.value]');
    expect(spec.vconcat[1].encoding.y.axis).toBeUndefined();
  });

  it('on a page, keeps each panel’s pointer parameter apart', async () => {
    const page = json(comparisonChart(series, { ...options, interactive: true }));
    expect(page.vconcat.map((panel: Json) => panel.layer[2].params[0].name)).toEqual([
      'nearest_0',
      'nearest_1',
    ]);
    expect(await renderSvg(page)).toContain('(a) state');
  });

  it('takes one label in two panels, and rejects a series of no panel or a label twice in one, naming it', () => {
    const twice = [...series, line('alloc', 'state', 1)];
    expect(() => comparisonChart(twice, options)).not.toThrow();
    expect(() => comparisonChart([...series, line('alloc', 'memory', 1)], options)).toThrow(
      'series[5].label',
    );
    expect(() => comparisonChart([...series, line('x', 'elsewhere', 1)], options)).toThrow(
      'series[5].panel: expected one of the panels (state, memory), got "elsewhere"',
    );
    const { panel: _, ...none } = line('x', 'state', 1);
    expect(() => comparisonChart([none], options)).toThrow('series[0].panel');
  });
});

describe('renderSvg', () => {
  it('draws the title and one path per series, identically on every render', async () => {
    const [first, second] = await Promise.all([renderSvg(allocated), renderSvg(allocated)]);
    expect(first.startsWith('<svg')).toBe(true);
    expect(first).toContain('>Allocated memory</text>');
    expect(count(first, LINE)).toBe(3);
    expect(second).toBe(first);
    expect(await renderSvg(allocated)).toBe(first);
  });

  it('numbers clip-path ids per render, so clipped charts are deterministic too', async () => {
    const clipped = { ...allocated, mark: { type: 'line', clip: true } };
    const first = await renderSvg(clipped);
    expect(first).toContain('id="clip1"');
    expect(await renderSvg(clipped)).toBe(first);
  });

  it('turns a spec vega cannot use into an HvsimError', async () => {
    await expect(renderSvg({ data: { values: [] }, mark: 'nonsense' })).rejects.toThrow(HvsimError);
    await expect(
      renderSvg({
        data: { url: '/etc/hostname' },
        mark: 'point',
        encoding: { x: { field: 'a', type: 'quantitative' } },
      }),
    ).rejects.toThrow(/inline data only/);
  });
});

describe('renderPng', () => {
  it('gives a PNG of the requested width', async () => {
    const png = renderPng(await renderSvg(allocated), { width: 300 });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png).width).toBe(300);
  });

  it('keeps the SVG size without a width and draws without any font', async () => {
    const svg = await renderSvg(allocated);
    const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
    const png = renderPng(svg, { loadSystemFonts: false, fontFamily: 'No Such Font' });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png).width).toBe(svgWidth);
  });

  it('turns bad SVG into an HvsimError', () => {
    expect(() => renderPng('not svg')).toThrow(HvsimError);
    expect(() => renderPng('<svg/>', { width: -1 })).toThrow(InvalidInputError);
  });
});
