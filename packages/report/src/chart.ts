import { HvsimError, InvalidInputError, type MetricSeries, type MetricsTable, metricsEnd } from '@hvsim/spec';
import { Resvg } from '@resvg/resvg-js';
import { loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { seriesColumn, seriesLabel } from './csv';
import { downsampleColumns } from './downsample';

/** A chart as hvsim builds it: a vega-lite spec with its data inline. */
export type ChartSpec = TopLevelSpec;

/** The vega-lite schema every chart names (the version the bundled renderer draws). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 320;

export interface TimeSeriesChartOptions {
  readonly title: string;
  /** Which series of the table to draw, one line each. */
  readonly series: (series: MetricSeries) => boolean;
  readonly yTitle: string;
  /** Each series' name in the legend (default `<vm>/<name>`, `host/<name>`): the VM alone when the title says what. */
  readonly label?: (series: MetricSeries) => string;
  /** Every value is multiplied by this before it is drawn: 4096 / 2^20 draws pages in MiB (default 1). */
  readonly scale?: number;
  /**
   * The y axis: `linear` (default), or `symlog`, linear near 0 and logarithmic above, so a series in thousands
   * stays visible beside one in millions, and 0 is still drawn.
   */
  readonly yScale?: 'linear' | 'symlog';
  /** Horizontal lines with a label, in the y axis's units (after `scale`): a capacity, say. */
  readonly rules?: readonly { readonly label: string; readonly value: number }[];
  /** Width of the plot area in pixels (default 640). */
  readonly width?: number;
  /** Height of the plot area in pixels (default 320). */
  readonly height?: number;
  /** Draw at most this many sample times, keeping each line's peaks and troughs (default: every sample). */
  readonly maxPoints?: number;
  /**
   * For a page rather than a file: the wheel zooms the time axis and dragging pans it; the lines whose
   * labels are in the `hidden` parameter (a list, empty at first) are not drawn; and a rule marks the time in
   * the `hover_time` parameter, which the page sets from the pointer (`usermeta.hover` says the time's
   * field and title) as it shows every line's value then.
   */
  readonly interactive?: boolean;
}

/** The name of an interactive chart's parameter that lists the labels of the lines not drawn. */
export const HIDDEN_SERIES_PARAM = 'hidden';

/** The name of an interactive chart's parameter that holds the time under the pointer (null: none). */
export const HOVER_TIME_PARAM = 'hover_time';

/** A chart's time axis: its field in the chart's rows, its title, and nanoseconds per unit. */
export interface TimeAxis {
  readonly field: 'time_s' | 'time_min';
  readonly title: string;
  readonly per: number;
}

/** Time in seconds, or in minutes for a run longer than ten. */
export const timeAxis = (end: number): TimeAxis =>
  end > 600e9
    ? { field: 'time_min', title: 'time (min)', per: 60e9 }
    : { field: 'time_s', title: 'time (s)', per: 1e9 };

function checkSize(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidInputError(field, `expected a whole number of pixels above 0, got ${value}`);
  }
  return value;
}

/** A float as chart data: `null` (a gap vega-lite leaves out) for `NaN` and the infinities. */
const chartNumber = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * A line chart of selected series of a metrics table over host simulated time: x is time in seconds (minutes
 * past ten), each selected series is one line, coloured and named in the legend by its label (`<vm>/<name>`
 * unless told otherwise, with the unit added where two selected series would share a label), in the table's
 * order; values may be scaled (pages to MiB), the y axis symlog, and reference lines drawn across. A line's
 * rows leave out the inside of each run of equal values, which draws the same line.
 */
export function timeSeriesChart(table: MetricsTable, options: TimeSeriesChartOptions): ChartSpec {
  const width = checkSize(options.width, DEFAULT_WIDTH, 'width');
  const height = checkSize(options.height, DEFAULT_HEIGHT, 'height');
  const selected = table.series.filter(options.series);
  if (selected.length === 0) {
    throw new InvalidInputError('series', `no series of the table matched (it has ${table.series.length})`);
  }
  const labelOf = options.label ?? seriesLabel;
  const factor = options.scale ?? 1;
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new InvalidInputError('scale', `expected a factor above 0, got ${factor}`);
  }
  const labelCounts = new Map<string, number>();
  for (const series of selected) {
    labelCounts.set(labelOf(series), (labelCounts.get(labelOf(series)) ?? 0) + 1);
  }
  const labels = selected.map((series) =>
    labelCounts.get(labelOf(series))! > 1 ? seriesColumn(series) : labelOf(series),
  );
  selected.forEach((series) => {
    if (series.values.length !== table.times.length) {
      throw new InvalidInputError(
        `series ${seriesLabel(series)}`,
        `expected ${table.times.length} values, one per sample time, got ${series.values.length}`,
      );
    }
  });
  const time = timeAxis(metricsEnd(table));
  const shown =
    options.maxPoints === undefined
      ? { rows: Array.from(table.times.keys()), values: selected.map((s) => s.values) }
      : downsampleColumns(
          selected.map((s) => s.values),
          options.maxPoints,
        );
  const values: Record<string, number | string | null>[] = [];
  selected.forEach((_series, index) => {
    const column = shown.values[index]!;
    const last = shown.rows.length - 1;
    shown.rows.forEach((row, i) => {
      // A point inside a run of equal values adds nothing to the line through its neighbours: left out
      // (most memory series are steps, so this is most of their points).
      const value = column[i]!;
      if (i > 0 && i < last && value === column[i - 1] && value === column[i + 1]) return;
      values.push({
        [time.field]: table.times[row]! / time.per,
        value: chartNumber(value * factor),
        series: labels[index]!,
      });
    });
  });
  const y = {
    field: 'value',
    type: 'quantitative',
    title: options.yTitle,
    ...(options.yScale === 'symlog'
      ? {
          scale: { type: 'symlog' as const },
          axis: {
            values: decades(values.map((v) => v['value'] as number | null)),
            labelExpr: "format(datum.value, '~s')",
          },
        }
      : {}),
  } as const;
  const x = { field: time.field, type: 'quantitative', title: time.title, scale: { nice: false } } as const;
  const encoding = { x, y, color: colorByLabel('series', null, labels) } as const;
  const head = {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title,
    width,
    height,
    background: 'white',
  } as const;
  const rules = (options.rules ?? []).map((r) => ({ value: r.value, label: r.label }));
  const ruleLayers =
    rules.length === 0
      ? []
      : [
          {
            data: { values: rules },
            mark: { type: 'rule', strokeDash: [6, 4], color: '#555' },
            encoding: { y },
          },
          {
            data: { values: rules },
            // Below its line, so the label of a line at the top of the plot stays inside it.
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, color: '#555' },
            encoding: { y, text: { field: 'label' }, x: { datum: 0 } },
          },
        ];
  const lines = { mark: { type: 'line', strokeWidth: 1.5 }, encoding };
  if (options.interactive !== true) {
    if (ruleLayers.length === 0) return { ...head, data: { values }, ...lines } as ChartSpec;
    return { ...head, layer: [{ data: { values }, ...lines }, ...ruleLayers] } as ChartSpec;
  }
  const drawn = { filter: `indexof(${HIDDEN_SERIES_PARAM}, datum.series) < 0` };
  const hover = HOVER_TIME_PARAM;
  return {
    ...head,
    // No ARIA descriptions: vega-lite's formats one per sample, which took most of a long run's drawing.
    config: { aria: false },
    data: { values },
    params: [
      { name: HIDDEN_SERIES_PARAM, value: [] },
      { name: hover, value: null },
    ],
    // What the page reads to show every line's value at the time under the pointer (`assets/report.js`).
    usermeta: { hover: { time: time.field, title: time.title } },
    layer: [
      {
        ...lines,
        transform: [drawn],
        params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
      },
      {
        data: { values: [{}] },
        mark: {
          type: 'rule',
          color: '#777',
          strokeDash: [3, 3],
          opacity: { expr: `${hover} === null ? 0 : 1` },
        },
        encoding: { x: { datum: { expr: `${hover} === null ? 0 : ${hover}` }, type: 'quantitative' } },
      },
      ...ruleLayers,
    ],
  } as ChartSpec;
}

/** Ticks for a symlog axis: 0 and every power of ten up to the largest value (vega's own leave most out). */
function decades(values: readonly (number | null)[]): number[] {
  const top = values.reduce<number>((max, v) => Math.max(max, Math.abs(v ?? 0)), 0);
  const ticks = [0];
  for (let tick = 1; tick <= top * 10 && ticks.length < 20; tick *= 10) ticks.push(tick);
  return ticks;
}

/** Colours by a label field, in the order of `labels`, with legend labels never cut short. */
function colorByLabel(field: string, title: string | null, labels: readonly string[]) {
  return {
    field,
    type: 'nominal',
    title,
    scale: { domain: [...labels] },
    sort: [...labels],
    legend: { labelLimit: 0 },
  } as const;
}

/** One curve of a comparison: a simulated result, or reference points published in a paper. */
export interface ComparisonSeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** `simulated` draws a line through the points (in the order given); `published` draws the points as marks. */
  readonly kind: 'published' | 'simulated';
  /** The panel it is drawn in, by name, when the chart has several (`ComparisonChartOptions.panels`). */
  readonly panel?: string;
}

/** One panel of a comparison chart that has several: they stand one above the other and share the x axis. */
export interface ComparisonPanel {
  /** What its series name in their `panel`. */
  readonly name: string;
  readonly title: string;
  readonly yTitle: string;
  /** Names of the whole numbers 0, 1, … on the y axis, which then shows only those: states, say. */
  readonly yLabels?: readonly string[];
  /** Height of its plot area in pixels (default: the chart's). */
  readonly height?: number;
}

export interface ComparisonChartOptions {
  readonly title: string;
  readonly xTitle: string;
  /** The y axis's title; each panel has its own, when there are several. */
  readonly yTitle: string;
  readonly width?: number;
  readonly height?: number;
  /** Scale of the x axis (default `linear`). */
  readonly xScale?: 'linear' | 'log';
  /** Scale of the y axis (default `linear`). */
  readonly yScale?: 'linear' | 'log';
  /** For a page: the simulated point nearest the pointer is ringed, with its values (published points' too). */
  readonly interactive?: boolean;
  /**
   * Panels one above the other, each drawing the series that name it, with a legend of its own (a paper's
   * figure of several parts); without, one panel draws every series.
   */
  readonly panels?: readonly ComparisonPanel[];
}

/**
 * A chart for the reproduce framework: simulated series as lines, published reference points as filled
 * marks, on shared axes; colours and the legend follow the series' labels in the order given. With
 * `panels`, a panel of that kind for each, stacked, under the chart's title.
 */
export function comparisonChart(
  series: readonly ComparisonSeries[],
  options: ComparisonChartOptions,
): ChartSpec {
  const width = checkSize(options.width, DEFAULT_WIDTH, 'width');
  const height = checkSize(options.height, DEFAULT_HEIGHT, 'height');
  if (series.length === 0) throw new InvalidInputError('series', 'expected at least one series to compare');
  series.forEach((entry, index) => {
    if (entry.kind !== 'published' && entry.kind !== 'simulated') {
      throw new InvalidInputError(
        `series[${index}].kind`,
        `expected "published" or "simulated", got ${JSON.stringify(entry.kind)}`,
      );
    }
  });
  const head = { $schema: VEGA_LITE_SCHEMA, title: options.title, background: 'white' } as const;
  const panels = options.panels;
  if (panels === undefined) {
    const all = series.map((entry, index) => ({ entry, index }));
    return { ...head, ...comparisonPanel(all, options, width, height) } as ChartSpec;
  }
  const names = panels.map((panel) => panel.name);
  series.forEach((entry, index) => {
    if (entry.panel === undefined || !names.includes(entry.panel)) {
      throw new InvalidInputError(
        `series[${index}].panel`,
        `expected one of the panels (${names.join(', ')}), got ${JSON.stringify(entry.panel)}`,
      );
    }
  });
  return {
    ...head,
    vconcat: panels.map((panel, i) => ({
      title: panel.title,
      ...comparisonPanel(
        series.flatMap((entry, index) => (entry.panel === panel.name ? [{ entry, index }] : [])),
        { ...options, yTitle: panel.yTitle, ...(panel.yLabels ? { yLabels: panel.yLabels } : {}) },
        width,
        checkSize(panel.height, height, `panels[${i}].height`),
        `_${i}`,
      ),
    })),
    // Each panel's legend names its own series.
    resolve: { scale: { color: 'independent' } },
  } as ChartSpec;
}

/** One panel of a comparison chart: its rows, axes and layers (`suffix` keeps its parameter's name apart). */
function comparisonPanel(
  series: readonly { readonly entry: ComparisonSeries; readonly index: number }[],
  options: ComparisonChartOptions & { readonly yLabels?: readonly string[] },
  width: number,
  height: number,
  suffix = '',
) {
  const labels: string[] = [];
  const values: { label: string; kind: string; x: number | null; y: number | null; order: number }[] = [];
  for (const { entry, index } of series) {
    if (labels.includes(entry.label)) {
      throw new InvalidInputError(
        `series[${index}].label`,
        `label ${JSON.stringify(entry.label)} is used twice`,
      );
    }
    labels.push(entry.label);
    entry.points.forEach((point, order) => {
      values.push({
        label: entry.label,
        kind: entry.kind,
        x: chartNumber(point.x),
        y: chartNumber(point.y),
        order,
      });
    });
  }
  const tooltip: { field: string; type: 'nominal' | 'quantitative'; title: string; format?: string }[] = [
    { field: 'label', type: 'nominal', title: 'series' },
    { field: 'x', type: 'quantitative', title: options.xTitle, format: ',.4~r' },
    { field: 'y', type: 'quantitative', title: options.yTitle, format: ',.4~r' },
  ];
  const named = options.yLabels;
  const nearest = `nearest${suffix}`;
  return {
    width,
    height,
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle,
        scale: { type: options.xScale ?? 'linear', nice: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: {
          type: options.yScale ?? 'linear',
          ...(named === undefined ? {} : { domain: [0, Math.max(1, named.length - 1)], nice: false }),
        },
        ...(named === undefined
          ? {}
          : {
              axis: {
                values: named.map((_, i) => i),
                labelExpr: `${JSON.stringify(named)}[datum.value]`,
              },
            }),
      },
      color: colorByLabel('label', null, labels),
    },
    layer: [
      {
        transform: [{ filter: { field: 'kind', equal: 'simulated' } }],
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { order: { field: 'order', type: 'quantitative' } },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'published' } }],
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { tooltip },
      },
      ...(options.interactive === true
        ? [
            // The simulated point nearest the pointer is ringed and its values shown.
            {
              transform: [{ filter: { field: 'kind', equal: 'simulated' } }],
              mark: { type: 'point' as const, size: 80, strokeWidth: 1.5 },
              params: [
                {
                  name: nearest,
                  select: { type: 'point' as const, nearest: true, on: 'pointerover', clear: 'pointerout' },
                },
              ],
              encoding: {
                opacity: { condition: { param: nearest, empty: false, value: 1 }, value: 0 },
                tooltip,
              },
            },
          ]
        : []),
    ],
  };
}

/**
 * A vega/vega-lite logger that keeps errors (and vega's "Loading failed" warning, which is one here) for the
 * caller and drops everything else, so rendering never writes to the console.
 */
function collectingLogger() {
  let level = 0;
  const errors: string[] = [];
  const text = (args: readonly unknown[]): string =>
    args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
  const logger = {
    errors,
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: readonly unknown[]) {
      if (args[0] === 'Loading failed') errors.push(text(args));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Gives every SVG definition id (clip paths, gradients) a number by order of appearance: vega counts them in
 * module-wide counters, so without this two renders of one chart in one process would differ.
 */
function numberDefinitionIds(svg: string): string {
  const ids = new Map<string, string>();
  const counts = { clip: 0, gradient_: 0 };
  return svg.replace(
    /(id="|url\(#|href="#)(p_)?(clip|gradient_)(\d+)/g,
    (_match, before: string, pattern: string | undefined, kind: 'clip' | 'gradient_', number: string) => {
      const key = kind + number;
      let renamed = ids.get(key);
      if (renamed === undefined) {
        renamed = `${kind}${++counts[kind]}`;
        ids.set(key, renamed);
      }
      return `${before}${pattern ?? ''}${renamed}`;
    },
  );
}

/**
 * Renders a vega-lite spec to SVG text in Node: vega-lite compiles it, a headless vega view (renderer
 * `none`, no network or file access: data must be inline) lays it out, and its SVG is returned. Text is
 * measured by vega's estimate, so the same spec gives the same bytes on every machine and every call.
 */
export async function renderSvg(spec: object): Promise<string> {
  const log = collectingLogger();
  const fail = (stage: string, detail: string): HvsimError =>
    new HvsimError('invalid-chart', `${stage}: ${detail}`, 'spec');
  let view: View;
  try {
    const compiled = compile(spec as TopLevelSpec, { logger: log }).spec;
    const noFiles = loader();
    noFiles.sanitize = (uri: string) =>
      Promise.reject(fail('data', `charts take inline data only, not ${JSON.stringify(uri)}`));
    view = new View(parse(compiled), { renderer: 'none', logger: log, loader: noFiles });
  } catch (error) {
    if (error instanceof HvsimError) throw error;
    throw fail('vega-lite could not compile the chart', (error as Error).message);
  }
  try {
    const svg = await view.toSVG();
    if (log.errors.length > 0) throw fail('vega could not render the chart', log.errors.join('; '));
    return numberDefinitionIds(svg);
  } catch (error) {
    if (error instanceof HvsimError) throw error;
    throw fail('vega could not render the chart', (error as Error).message);
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Width of the image in pixels; the height follows the SVG's aspect ratio (default: the SVG's own size). */
  readonly width?: number;
  /** Font for `sans-serif` text and the default font (default `DejaVu Sans`, Debian's fonts-dejavu-core). */
  readonly fontFamily?: string;
  /** Look up the system's fonts (default true). */
  readonly loadSystemFonts?: boolean;
  /** Font files to load as well, e.g. one shipped with a project. */
  readonly fontFiles?: readonly string[];
  /** Background colour behind the SVG (default: none, the SVG's own; hvsim charts have a white one). */
  readonly background?: string;
}

/** The bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Rasterises SVG text to a PNG with resvg. Without a usable font (no system fonts and none given) the
 * text is left out but the rest of the image is drawn.
 */
export function renderPng(svg: string, options: PngOptions = {}): Uint8Array {
  const width = checkSize(options.width, 0, 'width');
  const family = options.fontFamily ?? 'DejaVu Sans';
  try {
    const resvg = new Resvg(svg, {
      fitTo: width === 0 ? { mode: 'original' } : { mode: 'width', value: width },
      font: {
        loadSystemFonts: options.loadSystemFonts ?? true,
        fontFiles: [...(options.fontFiles ?? [])],
        defaultFontFamily: family,
        sansSerifFamily: family,
      },
      ...(options.background === undefined ? {} : { background: options.background }),
      logLevel: 'off',
    });
    return resvg.render().asPng();
  } catch (error) {
    throw new HvsimError('invalid-svg', `resvg could not render the SVG: ${(error as Error).message}`, 'svg');
  }
}
