import type { MetricSeries } from '@hvsim/spec';
import type { ScenarioRun } from './scenario-run';

/** Pages in a MiB, for tables written in MiB. */
export const MIB = 256;

/** A VM's series by metric name, one value a sample (pages, or ops/s for throughput), and its double paging. */
export interface HandVm {
  readonly series: Readonly<Record<string, readonly number[]>>;
  readonly doublePaging?: number;
}

/**
 * A run built by hand from its metrics: a sample a second from 0, host series (`free`, `swap-used`,
 * `shared-frames`) and each VM's; the summary has what a story reads and zeros elsewhere.
 */
export function handRun(options: {
  readonly hostMiB?: number;
  readonly host: Readonly<Record<string, readonly number[]>>;
  readonly vms: Readonly<Record<string, HandVm>>;
}): ScenarioRun {
  const { hostMiB = 100, host, vms } = options;
  const samples = Math.max(...Object.values(host).map((v) => v.length));
  const series: MetricSeries[] = [
    ...Object.entries(host).map(([name, values]) => ({
      name,
      unit: 'pages',
      values: Float64Array.from(values),
    })),
    ...Object.entries(vms).flatMap(([vm, { series }]) =>
      Object.entries(series).map(([name, values]) => ({
        name,
        unit: '',
        vm,
        values: Float64Array.from(values),
      })),
    ),
  ];
  const free = host['free'] ?? [];
  return {
    summary: {
      scenario: 'by hand',
      seed: 1,
      scale: 1,
      simulatedSeconds: samples - 1,
      ops: 0,
      wallSeconds: 0,
      opsPerSecond: 0,
      vms: Object.entries(vms).map(([name, vm]) => ({
        name,
        poweredOn: true,
        memoryMiB: 0,
        ops: 0,
        throughput: 0,
        allocatedMiB: 0,
        swappedMiB: 0,
        sharedMiB: 0,
        doublePaging: vm.doublePaging ?? 0,
      })),
      hostMemoryMiB: hostMiB,
      hostFreeMiB: (free.at(-1) ?? 0) / MIB,
      hostSwapUsedMiB: 0,
      events: 0,
    },
    metrics: { times: Float64Array.from({ length: samples }, (_, i) => i * 1e9), series },
    events: [],
    charts: [],
  };
}
