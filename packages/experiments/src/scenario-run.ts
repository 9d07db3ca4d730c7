import { createHost, type RunStats } from '@hvsim/host';
import { type ChartSpec, type TimeSeriesChartOptions, timeSeriesChart } from '@hvsim/report';
import type { LoadedScenario } from '@hvsim/scenario';
import { type MetricSeries, type MetricsTable, PAGE_SIZE, type SimEvent } from '@hvsim/spec';

/** What a run did and how fast it was simulated (wall time is measured beside the run, never in it). */
export interface ScenarioSummary {
  readonly scenario: string;
  readonly seed: number;
  /** A miniature's scale (1: full size); every figure below is the full host's, scaled back. */
  readonly scale: number;
  readonly simulatedSeconds: number;
  /** Guest memory operations completed, all VMs. */
  readonly ops: number;
  readonly wallSeconds: number;
  /** Guest memory operations simulated per wall-clock second. */
  readonly opsPerSecond: number;
  readonly vms: readonly {
    readonly name: string;
    readonly poweredOn: boolean;
    /** Configured memory (the VM's max). */
    readonly memoryMiB: number;
    readonly ops: number;
    /** Mean throughput over the run, ops per simulated second. */
    readonly throughput: number;
    readonly allocatedMiB: number;
    readonly swappedMiB: number;
    readonly sharedMiB: number;
    readonly doublePaging: number;
    /** Why admission control refused to power the VM on, if it did. */
    readonly refused?: string;
  }[];
  /** The host's memory, and what was free and in swap at the end. */
  readonly hostMemoryMiB: number;
  readonly hostFreeMiB: number;
  readonly hostSwapUsedMiB: number;
  readonly events: number;
  /** Present when the run checked every invariant after every quantum (and so they all held). */
  readonly invariantsChecked?: true;
}

/**
 * The caller's wall clock in milliseconds (`performance.now`), by which a run is timed: library code never
 * reads the wall clock itself (ARCHITECTURE.md, "Where things live").
 */
export type WallClock = () => number;

export interface ScenarioRunOptions {
  readonly wallClock: WallClock;
  /** Called with the fraction done as the run advances (for a progress bar). */
  readonly onProgress?: (fraction: number) => void;
  /** Whether to make the default charts (default: no: a caller that draws nothing needs none). */
  readonly charts?: boolean;
  /** Check the invariants after every quantum, as the scenario's `checks: { invariants: true }` does. */
  readonly checkInvariants?: boolean;
  /** Run as a miniature at this scale, whatever the scenario says (`run --scale`). */
  readonly scale?: number;
}

/** Pages as MiB. */
export const mib = (pages: number) => (pages * PAGE_SIZE) / 2 ** 20;

/** A chart's options that draw pages in MiB. */
export const IN_MIB = { yTitle: 'MiB', scale: PAGE_SIZE / 2 ** 20 } as const;

/** A series of the table, or zeros when the run never recorded it (a VM never powered on). */
export function seriesOf(metrics: MetricsTable, vm: string | undefined, name: string): Float64Array {
  return (
    metrics.series.find((s) => s.vm === vm && s.name === name)?.values ??
    new Float64Array(metrics.times.length)
  );
}

const last = (table: MetricsTable, vm: string | undefined, name: string): number =>
  seriesOf(table, vm, name).at(-1) ?? 0;

/** A run's summary and everything a report of it is made from: the shape `writeRunOutputs` writes. */
export interface ScenarioRun {
  readonly summary: ScenarioSummary;
  readonly metrics: MetricsTable;
  readonly events: readonly SimEvent[];
  /** Allocation, swap, throughput and free memory over time, each a vega-lite spec. */
  readonly charts: readonly { readonly name: string; readonly spec: ChartSpec }[];
}

/** Runs a loaded scenario to its duration. */
export function simulateScenario(loaded: LoadedScenario, options: ScenarioRunOptions): ScenarioRun {
  const simulation = new ScenarioSimulation(loaded, options);
  simulation.advance();
  return simulation.result();
}

/**
 * A scenario's run that can pause and be looked at on the way: `advance` runs on until the run ends or its
 * caller asks it to pause, and `result` is the run so far. A run paused any number of times is the same run.
 */
export class ScenarioSimulation {
  readonly #loaded: LoadedScenario;
  readonly #options: ScenarioRunOptions;
  readonly #host: ReturnType<typeof createHost>;
  readonly #checked: boolean;
  #reported = -1;
  #wallMs = 0;

  constructor(loaded: LoadedScenario, options: ScenarioRunOptions) {
    this.#loaded = loaded;
    this.#options = options;
    this.#checked = options.checkInvariants === true || loaded.host.checkInvariants === true;
    this.#host = createHost({
      ...loaded.host,
      ...(this.#checked ? { checkInvariants: true } : {}),
      ...(options.scale === undefined ? {} : { scale: options.scale }),
    });
  }

  /** Host time the run has reached, and the time it runs to. */
  get now(): number {
    return this.#host.stats().simulatedTime;
  }

  get duration(): number {
    return this.#loaded.duration;
  }

  get done(): boolean {
    return this.now >= this.duration;
  }

  /**
   * Runs on to the end, or until `pause` (asked after every quantum) says to stop; says whether the run
   * has ended. Its wall time is measured by the caller's clock, and only while it runs.
   */
  advance(pause?: () => boolean): boolean {
    const duration = this.duration;
    const started = this.#options.wallClock();
    this.#host.run(duration, (now) => {
      const percent = Math.floor((100 * now) / duration);
      if (percent !== this.#reported) {
        this.#reported = percent;
        this.#options.onProgress?.(now / duration);
      }
      return pause === undefined || !pause();
    });
    this.#wallMs += this.#options.wallClock() - started;
    return this.done;
  }

  /** The run as it stands: its summary, metrics, events and, when asked for, its default charts. */
  result(charts = this.#options.charts === true): ScenarioRun {
    const host = this.#host;
    const loaded = this.#loaded;
    const wallSeconds = this.#wallMs / 1000;
    const metrics = host.metrics();
    const stats: RunStats = host.stats();
    const seconds = stats.simulatedTime / 1e9;
    const configured = new Map(loaded.host.vms.map((vm) => [vm.name, vm.pages]));
    const summary: ScenarioSummary = {
      scenario: loaded.scenario.name ?? loaded.source,
      seed: loaded.scenario.seed,
      scale: stats.scale,
      simulatedSeconds: seconds,
      ops: stats.ops,
      wallSeconds,
      opsPerSecond: stats.ops / wallSeconds,
      vms: stats.vms.map((vm) => ({
        name: vm.name,
        poweredOn: vm.poweredOn,
        memoryMiB: mib(configured.get(vm.name) ?? 0),
        ops: vm.ops,
        throughput: seconds > 0 ? vm.ops / seconds : 0,
        allocatedMiB: mib(last(metrics, vm.name, 'allocated')),
        swappedMiB: mib(last(metrics, vm.name, 'swapped')),
        sharedMiB: mib(last(metrics, vm.name, 'shared')),
        doublePaging: last(metrics, vm.name, 'double-paging'),
        ...(vm.refused === undefined ? {} : { refused: vm.refused }),
      })),
      hostMemoryMiB: mib(loaded.host.frames),
      hostFreeMiB: mib(stats.freePages),
      hostSwapUsedMiB: mib(stats.swapUsedPages),
      events: host.events.length,
      ...(this.#checked ? { invariantsChecked: true as const } : {}),
    };
    return {
      summary,
      metrics,
      events: [...host.events],
      charts: charts ? defaultCharts(metrics, stats.scale, loaded.host.frames) : [],
    };
  }
}

/** What a chart's title adds for a miniature, so no figure of one is mistaken for a full run's. */
const miniatureNote = (scale: number): string =>
  scale === 1 ? '' : ` (miniature at scale ${scale}, scaled back)`;

/** Allocation and activity over time per VM, and the host's free memory: sizes in MiB, a line per VM. */
function defaultCharts(
  metrics: MetricsTable,
  scale: number,
  hostPages: number,
): { name: string; spec: ChartSpec }[] {
  const byVm = (s: MetricSeries) => s.vm ?? 'host';
  const chart = (name: string, title: string, options: Omit<TimeSeriesChartOptions, 'title'>) => ({
    name,
    spec: timeSeriesChart(metrics, { title: `${title}${miniatureNote(scale)}`, label: byVm, ...options }),
  });
  const capacity = [{ label: `host memory, ${mib(hostPages)} MiB`, value: mib(hostPages) }];
  return [
    chart('allocation', 'Memory each VM holds', {
      ...IN_MIB,
      series: (s) => s.vm !== undefined && s.name === 'allocated',
      rules: capacity,
    }),
    chart('swapped', 'Memory of each VM in host swap', {
      ...IN_MIB,
      series: (s) => s.vm !== undefined && s.name === 'swapped',
    }),
    // On a linear axis an idle VM, or any after a collapse, sits on 0 beside millions of ops/s.
    chart('throughput', 'Throughput of each VM', {
      yTitle: 'ops per simulated second (symlog)',
      yScale: 'symlog',
      series: (s) => s.vm !== undefined && s.name === 'throughput',
    }),
    chart('host-free', 'Free host memory', {
      ...IN_MIB,
      series: (s) => s.vm === undefined && s.name === 'free',
      rules: capacity,
    }),
  ];
}
