import { createHost } from '@hvsim/host';
import { VEGA_LITE_SCHEMA } from '@hvsim/report';
import type { LoadedScenario } from '@hvsim/scenario';
import { type MetricsTable, PAGE_SIZE, type SimTime } from '@hvsim/spec';
import type { WallClock } from './scenario-run';

/** The figures a miniature is held to, per VM: what it holds, and how fast it runs. */
export const CHECKED_METRICS = [
  'allocated',
  'swapped',
  'shared',
  'ballooned',
  'active-estimate',
  'throughput',
] as const;
export type CheckedMetric = (typeof CHECKED_METRICS)[number];

/**
 * How far a miniature may be from the full run: memory within 5% of the VM's configured memory (a share of
 * the VM, so that a VM holding almost nothing of a kind does not fail on a few pages), throughput within 10%.
 */
export const DEFAULT_TOLERANCES = { memory: 0.05, throughput: 0.1 } as const;

export interface MiniatureCheckOptions {
  readonly wallClock: WallClock;
  /** The miniatures' scales (the full run, scale 1, is always made). */
  readonly scales: readonly number[];
  /** Seeds to run each of them with; the figures are means over the seeds. Default: the scenario's. */
  readonly seeds?: readonly number[];
  /** Host time to run (default: the scenario's duration). */
  readonly duration?: SimTime;
  readonly tolerances?: { readonly memory: number; readonly throughput: number };
  /** Called before each run, with what it is (for a progress line). */
  readonly onRun?: (run: { readonly scale: number; readonly seed: number }) => void;
}

/** One VM's figure: the full run's mean, and each miniature's with its error. */
export interface MiniatureRow {
  readonly vm: string;
  readonly metric: CheckedMetric;
  /** MiB for memory, ops per simulated second for throughput. */
  readonly unit: 'MiB' | 'ops/s';
  readonly full: number;
  readonly miniatures: readonly {
    readonly scale: number;
    readonly value: number;
    /** Signed error: of the VM's configured memory for memory, of the full run's value for throughput. */
    readonly error: number;
    readonly pass: boolean;
  }[];
}

export interface MiniatureCheck {
  readonly scenario: string;
  readonly seeds: readonly number[];
  readonly tolerances: { readonly memory: number; readonly throughput: number };
  readonly rows: readonly MiniatureRow[];
  /** Mean wall-clock seconds of one run at each scale (the full run's first), and its speed-up. */
  readonly speed: readonly {
    readonly scale: number;
    readonly wallSeconds: number;
    readonly speedup: number;
  }[];
  readonly pass: boolean;
}

const mib = (pages: number) => (pages * PAGE_SIZE) / 2 ** 20;

/** Mean over the run of each checked metric of each VM (a metric a VM does not record is left out). */
function means(table: MetricsTable): Map<string, number> {
  const found = new Map<string, number>();
  for (const series of table.series) {
    if (series.vm === undefined || !(CHECKED_METRICS as readonly string[]).includes(series.name)) continue;
    let sum = 0;
    for (const value of series.values) sum += value;
    found.set(
      `${series.vm}\u0000${series.name}`,
      series.values.length === 0 ? 0 : sum / series.values.length,
    );
  }
  return found;
}

/** `value`'s error relative to `reference`; of a reference of 0, none if the value is 0 too, else infinite. */
const relativeError = (value: number, reference: number): number =>
  reference !== 0 ? (value - reference) / reference : value === 0 ? 0 : Number.POSITIVE_INFINITY;

/** Runs the scenario in full and as each miniature, over every seed, and compares their per-VM means. */
export function miniatureCheck(loaded: LoadedScenario, options: MiniatureCheckOptions): MiniatureCheck {
  const seeds = options.seeds ?? [loaded.host.seed];
  const tolerances = options.tolerances ?? DEFAULT_TOLERANCES;
  const scales = [1, ...options.scales];
  const duration = options.duration ?? loaded.duration;
  const runs = scales.map((scale) => {
    const sums = new Map<string, number>();
    let wall = 0;
    for (const seed of seeds) {
      options.onRun?.({ scale, seed });
      const host = createHost({ ...loaded.host, seed, scale });
      const started = options.wallClock();
      host.run(duration);
      wall += (options.wallClock() - started) / 1000;
      for (const [key, value] of means(host.metrics())) sums.set(key, (sums.get(key) ?? 0) + value);
    }
    return {
      scale,
      wallSeconds: wall / seeds.length,
      means: new Map([...sums].map(([k, v]) => [k, v / seeds.length])),
    };
  });
  const [full, ...miniatures] = runs;
  const rows: MiniatureRow[] = [];
  for (const vm of loaded.host.vms) {
    for (const metric of CHECKED_METRICS) {
      const key = `${vm.name}\u0000${metric}`;
      const reference = full!.means.get(key);
      if (reference === undefined) continue;
      const memory = metric !== 'throughput';
      const shown = (value: number) => (memory ? mib(value) : value);
      rows.push({
        vm: vm.name,
        metric,
        unit: memory ? 'MiB' : 'ops/s',
        full: shown(reference),
        miniatures: miniatures.map(({ scale, means: mini }) => {
          const value = mini.get(key) ?? 0;
          const error = memory ? (value - reference) / vm.pages : relativeError(value, reference);
          return {
            scale,
            value: shown(value),
            error,
            pass: Math.abs(error) <= (memory ? tolerances.memory : tolerances.throughput),
          };
        }),
      });
    }
  }
  return {
    scenario: loaded.scenario.name ?? loaded.source,
    seeds,
    tolerances,
    rows,
    speed: runs.map(({ scale, wallSeconds }) => ({
      scale,
      wallSeconds,
      speedup: full!.wallSeconds / wallSeconds,
    })),
    pass: rows.every((row) => row.miniatures.every((m) => m.pass)),
  };
}

/** A bar chart of each metric's largest error over the VMs, per scale, against its tolerance. */
export function miniatureChart(check: MiniatureCheck): object {
  const values = check.rows.flatMap((row) =>
    row.miniatures.map((m) => ({
      metric: row.metric,
      scale: `R = ${m.scale}`,
      vm: row.vm,
      error: 100 * Math.abs(m.error),
      tolerance: 100 * (row.metric === 'throughput' ? check.tolerances.throughput : check.tolerances.memory),
    })),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `${check.scenario}: miniatures against the full run (largest error over the VMs)`,
    width: 480,
    height: 260,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'metric', type: 'nominal', sort: [...CHECKED_METRICS], title: null },
          xOffset: { field: 'scale', type: 'nominal' },
          y: {
            aggregate: 'max',
            field: 'error',
            type: 'quantitative',
            title: '|error| (% of the VM’s memory; throughput: % of the full run’s)',
          },
          color: { field: 'scale', type: 'nominal', title: 'scale' },
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: {
          x: { field: 'metric', type: 'nominal', sort: [...CHECKED_METRICS] },
          y: { aggregate: 'max', field: 'tolerance', type: 'quantitative' },
        },
      },
    ],
  };
}
