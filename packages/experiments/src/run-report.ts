import {
  type ChartBlock,
  type ChartSpec,
  type HtmlReport,
  type ReportBlock,
  type ReportFact,
  type ReportSection,
  type TimeSeriesChartOptions,
  timeAxis,
  timeSeriesChart,
  VEGA_LITE_SCHEMA,
} from '@hvsim/report';
import { type MetricSeries, type MetricsTable, metricsEnd, type SimEvent } from '@hvsim/spec';
import { summaryRows } from './result-tables';
import { IN_MIB, type ScenarioRun } from './scenario-run';

/** Sample times a report's chart draws at most: more than its pixels, far fewer than a long run's samples. */
export const REPORT_MAX_POINTS = 1200;

/** How every time-series chart of a report page is drawn: interactive, cut down for display, one width. */
export const PAGE_CHART = {
  interactive: true,
  maxPoints: REPORT_MAX_POINTS,
  width: 760,
  height: 280,
} as const;

/** What a run report says besides the run itself. */
export interface RunReportOptions {
  /** hvsim's version, in the header. */
  readonly version: string;
  /** The scenario as run (YAML), shown at the end. */
  readonly scenarioText: string;
  /** The report's title (default: the scenario's name). */
  readonly title?: string;
  /** What the report is (default `run`). */
  readonly kind?: string;
  /** Sections before the run's own: a story told from it, a comparison. */
  readonly before?: readonly ReportSection[];
}

/** The header's facts of a run: seed, simulated time, a miniature's scale, the version. */
export function runFacts(run: ScenarioRun, version: string): ReportFact[] {
  const { summary } = run;
  return [
    { label: 'seed', value: String(summary.seed) },
    { label: 'simulated', value: `${Number(summary.simulatedSeconds.toFixed(3))} s` },
    { label: 'VMs', value: String(summary.vms.length) },
    ...(summary.scale === 1
      ? []
      : [{ label: 'miniature', value: `scale ${summary.scale}, figures scaled back to the full host` }]),
    { label: 'hvsim', value: version },
  ];
}

/**
 * A run as an HTML report (`renderHtmlReport`): its summary; memory and throughput of every VM over time, the
 * host's free memory under its reclamation states; each VM on its own (configured, target, allocated, the
 * active estimates, ballooned, swapped, shared, compressed); the event log on a timeline; and the scenario.
 * Sizes are in MiB, long series cut down for display (the CSV keeps every sample).
 */
export function runReport(run: ScenarioRun, options: RunReportOptions): HtmlReport {
  const { summary } = run;
  const vms = summary.vms.map((vm) => vm.name);
  return {
    title: options.title ?? summary.scenario,
    kind: options.kind ?? 'run',
    facts: runFacts(run, options.version),
    vms,
    sections: [
      ...(options.before ?? []),
      ...runSections(run),
      { title: 'Scenario', blocks: [{ kind: 'code', text: options.scenarioText, caption: 'as run' }] },
    ],
  };
}

/** Which of several runs on a page sections are of: a prefix of its charts' names, and its label. */
export interface RunOnPage {
  readonly name: string;
  readonly label: string;
}

/**
 * The sections of one run: the summary, memory, throughput, each VM, events. With `of`, several runs fit on
 * a page: their charts' names are prefixed with the run's name, their titles followed by its label.
 */
export function runSections(run: ScenarioRun, of?: RunOnPage): ReportSection[] {
  const { summary, metrics } = run;
  const name = (chart: string) => (of === undefined ? chart : `${of.name}-${chart}`);
  const title = (text: string) => (of === undefined ? text : `${text}: ${of.label}`);
  const capacity = [{ label: `host memory, ${summary.hostMemoryMiB} MiB`, value: summary.hostMemoryMiB }];
  const chart = (
    chartName: string,
    chartTitle: string,
    options: Omit<TimeSeriesChartOptions, 'title' | 'interactive' | 'maxPoints'>,
    vm?: string,
  ): ReportBlock => {
    const owner = vm === undefined ? {} : { vm };
    // A run whose VMs were all refused records no VM's series.
    if (!metrics.series.some(options.series)) {
      return { kind: 'text', paragraphs: [`${chartTitle}: nothing was recorded.`], ...owner };
    }
    return {
      kind: 'chart',
      name: name(chartName),
      spec: timeSeriesChart(metrics, {
        title: chartTitle,
        ...PAGE_CHART,
        ...(vm === undefined ? {} : { height: 220 }),
        ...options,
      }),
      ...owner,
    };
  };
  const perVm = (metric: string) => (s: MetricSeries) => s.vm !== undefined && s.name === metric;
  const inMiB = { ...IN_MIB, label: (s: MetricSeries) => s.vm ?? 'host' } as const;
  const refusals = summary.vms.flatMap((vm) =>
    vm.refused === undefined ? [] : [`${vm.name} was not powered on: ${vm.refused}.`],
  );
  const sections: ReportSection[] = [
    {
      title: title('Summary'),
      blocks: [
        { kind: 'table', rows: summaryRows(summary), sortable: true },
        {
          kind: 'text',
          paragraphs: [
            `At the end the host had ${round(summary.hostFreeMiB)} MiB free and ${round(summary.hostSwapUsedMiB)} MiB in swap; ${summary.events} events were logged.`,
            ...refusals,
          ],
        },
      ],
    },
    {
      title: title('Memory'),
      blocks: [
        chart('allocation', 'Memory each VM holds', {
          ...inMiB,
          series: perVm('allocated'),
          rules: capacity,
        }),
        hostFreeChart(metrics, run.events, name('host-free'), summary.hostMemoryMiB),
        chart('swapped', 'Memory of each VM in host swap', { ...inMiB, series: perVm('swapped') }),
      ],
    },
    {
      title: title('Throughput'),
      blocks: [
        chart('throughput', 'Throughput of each VM', {
          yTitle: 'ops per simulated second (symlog)',
          yScale: 'symlog',
          label: (s) => s.vm ?? 'host',
          series: perVm('throughput'),
        }),
      ],
    },
    {
      title: title('Each VM'),
      blocks: summary.vms.map((vm, index): ReportBlock => {
        const shown = metrics.series.filter((s) => s.vm === vm.name && inVmDetail(s.name));
        if (shown.length === 0) {
          return { kind: 'text', vm: vm.name, paragraphs: [`${vm.name} recorded no memory metrics.`] };
        }
        return chart(
          `vm-${index}`,
          `${vm.name}: memory`,
          {
            ...IN_MIB,
            label: (s) => detailName(s.name),
            series: (s) => shown.includes(s),
            rules: [{ label: `configured, ${round(vm.memoryMiB)} MiB`, value: vm.memoryMiB }],
          },
          vm.name,
        );
      }),
    },
    {
      title: title('Events'),
      blocks: [eventsBlock(run.events, vmNames(run.events), name('events'), metricsEnd(metrics))],
    },
  ];
  return sections;
}

const round = (value: number) => Number(value.toFixed(1));

/** The series a VM's own chart draws, by their metrics' names; and every detector's active estimate. */
const VM_DETAIL = new Set(['target', 'allocated', 'ballooned', 'swapped', 'shared', 'compressed']);
const inVmDetail = (metric: string) => VM_DETAIL.has(metric) || metric.startsWith('active-estimate');

/** `active-estimate:oracle` reads `active (oracle)`; the policy's own detector is the `active estimate`. */
function detailName(metric: string): string {
  if (metric === 'active-estimate') return 'active estimate';
  if (metric.startsWith('active-estimate:')) return `active (${metric.slice('active-estimate:'.length)})`;
  return metric;
}

/** VM ids to names, from the log's power-ons. */
function vmNames(events: readonly SimEvent[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const event of events) {
    const name = event.data?.['name'];
    if (event.kind === 'power-on' && event.vm !== undefined && typeof name === 'string')
      names.set(event.vm, name);
  }
  return names;
}

/** The host's reclamation state over time, from the log's state changes: a band per stay in a state. */
export function stateBands(
  events: readonly SimEvent[],
  end: number,
): { start: number; end: number; state: string }[] {
  const changes = events.filter((e) => e.kind === 'state-change' && typeof e.data?.['to'] === 'string');
  return changes.map((change, i) => ({
    start: change.time,
    end: changes[i + 1]?.time ?? end,
    state: String(change.data!['to']),
  }));
}

/** ESX's free-memory states, from plenty to scarce, and their colours. */
const STATE_COLOURS: Record<string, string> = {
  high: '#cfe8cf',
  soft: '#fbeeb8',
  hard: '#f9d2a8',
  low: '#f4b3ae',
};

/** Free host memory, with the host's memory as a line and its reclamation states as bands behind. */
function hostFreeChart(
  metrics: MetricsTable,
  events: readonly SimEvent[],
  name: string,
  hostMiB: number,
): ChartBlock {
  const base = timeSeriesChart(metrics, {
    title: 'Free host memory',
    ...IN_MIB,
    label: () => 'free',
    series: (s) => s.vm === undefined && s.name === 'free',
    rules: [{ label: `host memory, ${hostMiB} MiB`, value: hostMiB }],
    ...PAGE_CHART,
  }) as { layer: object[]; encoding?: unknown } & Record<string, unknown>;
  const bands = stateBands(events, metricsEnd(metrics));
  if (bands.length === 0) return { kind: 'chart', name, spec: base };
  const { field, per } = timeAxis(metricsEnd(metrics));
  const states = [...new Set(bands.map((b) => b.state))];
  const band = {
    data: {
      values: bands.map((b) => ({ [field]: b.start / per, [`${field}_end`]: b.end / per, state: b.state })),
    },
    mark: { type: 'rect', opacity: 0.55 },
    encoding: {
      x: { field, type: 'quantitative' },
      x2: { field: `${field}_end` },
      fill: {
        field: 'state',
        type: 'nominal',
        title: 'reclamation state',
        scale: { domain: states, range: states.map((s) => STATE_COLOURS[s] ?? '#ddd') },
      },
      tooltip: [{ field: 'state', title: 'state' }],
    },
  };
  return { kind: 'chart', name, spec: { ...base, layer: [band, ...base.layer] } as ChartSpec };
}

/** The event log on a timeline: a row per kind of event, a mark per event, its details on hover. */
function eventsBlock(
  events: readonly SimEvent[],
  names: ReadonlyMap<number, string>,
  name: string,
  end: number,
): ReportBlock {
  if (events.length === 0) return { kind: 'text', paragraphs: ['No events were logged.'] };
  const time = timeAxis(end);
  const values = events.map((event) => ({
    time: event.time / time.per,
    kind: event.kind,
    vm: event.vm === undefined ? 'host' : (names.get(event.vm) ?? `vm ${event.vm}`),
    source: event.source,
    details: Object.entries(event.data ?? {})
      .map(([key, value]) => `${key} ${value}`)
      .join(', '),
  }));
  const kinds = [...new Set(values.map((v) => v.kind))];
  return {
    kind: 'chart',
    name,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `Events (${events.length})`,
      width: PAGE_CHART.width,
      height: Math.max(60, 26 * kinds.length),
      background: 'white',
      data: { values },
      mark: { type: 'point', filled: true, size: 50, opacity: 0.8 },
      params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
      encoding: {
        x: {
          field: 'time',
          type: 'quantitative',
          title: time.title,
          scale: { domain: [0, end / time.per], nice: false },
        },
        y: { field: 'kind', type: 'nominal', title: null, sort: kinds },
        color: { field: 'vm', type: 'nominal', title: 'VM', legend: { labelLimit: 0 } },
        tooltip: [
          { field: 'time', type: 'quantitative', title: time.title, format: ',.3~f' },
          { field: 'kind', title: 'event' },
          { field: 'vm', title: 'VM' },
          { field: 'source', title: 'from' },
          { field: 'details', title: 'details' },
        ],
      },
    } as ChartSpec,
  };
}
