import { createHost } from '@hvsim/host';
import { renderSvg, VEGA_LITE_SCHEMA } from '@hvsim/report';
import { defaultRegistry, type LoadedScenario, parseScenario } from '@hvsim/scenario';
import { PAGE_SIZE, type SimTime, time } from '@hvsim/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKED_METRICS,
  DEFAULT_TOLERANCES,
  type MiniatureCheck,
  miniatureChart,
  miniatureCheck,
} from './miniature-check';

/** Two 8 MiB VMs on 12 MiB with the ESX stack; only `hot` has a detector (so only it has an active estimate). */
const TINY = `
name: tiny
seed: 2
duration: 10s
host: { memory: 12MiB, swap: 16MiB, quantum: 2ms, metricInterval: 50ms }
policies: { stack: esx, rebalance: 100ms }
vms:
  - name: hot
    memory: 8MiB
    guest: { kind: linux, bootTime: 5ms }
    workload: { kind: zipf, pages: 0.8, alpha: 0.8 }
    detector: { kind: sampling, period: 100ms }
  - name: cold
    memory: 8MiB
    guest: { kind: linux, bootTime: 5ms }
    workload: { kind: uniform, pages: 0.6 }
`;
const VM_PAGES = 2048;
const DURATION = time.ms(300);

/** Mean of a VM's metric over a run of its own, in pages or ops/s, as the check computes it. */
function meanOf(loaded: LoadedScenario, run: { scale: number; seed: number; duration: SimTime }) {
  const host = createHost({ ...loaded.host, seed: run.seed, scale: run.scale });
  host.run(run.duration);
  const table = host.metrics();
  return (vm: string, metric: string) => {
    const values = table.series.find((s) => s.vm === vm && s.name === metric)!.values;
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
}
const mib = (pages: number) => (pages * PAGE_SIZE) / 2 ** 20;

let loaded: LoadedScenario;
let check: MiniatureCheck;
beforeAll(async () => {
  loaded = await parseScenario(TINY, 'tiny.yaml', defaultRegistry());
  check = miniatureCheck(loaded, { scales: [4], duration: DURATION, wallClock: () => performance.now() });
});

describe('miniatureCheck', () => {
  it('has a row per VM and metric it records, in order, with the scenario’s seed and the default tolerances', () => {
    expect(check.scenario).toBe('tiny');
    expect(check.seeds).toEqual([2]);
    expect(check.tolerances).toEqual(DEFAULT_TOLERANCES);
    expect(check.rows.map((r) => `${r.vm} ${r.metric} ${r.unit}`)).toEqual([
      ...CHECKED_METRICS.map((m) => `hot ${m} ${m === 'throughput' ? 'ops/s' : 'MiB'}`),
      ...CHECKED_METRICS.filter((m) => m !== 'active-estimate').map(
        (m) => `cold ${m} ${m === 'throughput' ? 'ops/s' : 'MiB'}`,
      ),
    ]);
    for (const row of check.rows) expect(row.miniatures.map((m) => m.scale)).toEqual([4]);
  });

  it('compares the means of its own runs: memory errors of the VM’s memory, throughput’s of the full run’s', () => {
    const full = meanOf(loaded, { scale: 1, seed: 2, duration: DURATION });
    const mini = meanOf(loaded, { scale: 4, seed: 2, duration: DURATION });
    for (const row of check.rows) {
      const [f, m] = [full(row.vm, row.metric), mini(row.vm, row.metric)];
      const [miniature] = row.miniatures;
      const what = `${row.vm} ${row.metric}`;
      if (row.metric === 'throughput') {
        expect(row.full, what).toBe(f);
        expect(miniature!.value, what).toBe(m);
        expect(miniature!.error, what).toBeCloseTo((m - f) / f, 12);
      } else {
        expect(row.full, what).toBeCloseTo(mib(f), 12);
        expect(miniature!.value, what).toBeCloseTo(mib(m), 12);
        expect(miniature!.error, what).toBeCloseTo((m - f) / VM_PAGES, 12);
      }
      const tolerance = row.metric === 'throughput' ? 0.1 : 0.05;
      expect(miniature!.pass, what).toBe(Math.abs(miniature!.error) <= tolerance);
    }
    // The errors are signed, and this miniature is close: the figures are non-trivial and within tolerance.
    const errors = check.rows.map((r) => r.miniatures[0]!.error);
    expect(errors.some((e) => e > 0) && errors.some((e) => e < 0)).toBe(true);
    expect(check.rows.find((r) => r.vm === 'hot' && r.metric === 'allocated')!.full).toBeGreaterThan(4);
    expect(check.pass).toBe(true);
  });

  it('times each scale, the full run first, with its speed-up over the full run', () => {
    expect(check.speed.map((s) => s.scale)).toEqual([1, 4]);
    const [full, mini] = check.speed;
    expect(full!.wallSeconds).toBeGreaterThan(0);
    expect(full!.speedup).toBe(1);
    expect(mini!.speedup).toBeCloseTo(full!.wallSeconds / mini!.wallSeconds, 12);
  });

  it('averages over the seeds, runs every scale for each, and fails a figure outside its tolerance', () => {
    const runs: string[] = [];
    const strict = miniatureCheck(loaded, {
      wallClock: () => performance.now(),
      scales: [2, 4],
      seeds: [1, 3],
      duration: time.ms(100),
      tolerances: { memory: 0, throughput: 0 },
      onRun: ({ scale, seed }) => runs.push(`${scale}/${seed}`),
    });
    expect(runs).toEqual(['1/1', '1/3', '2/1', '2/3', '4/1', '4/3']);
    expect(strict.seeds).toEqual([1, 3]);
    expect(strict.tolerances).toEqual({ memory: 0, throughput: 0 });
    const one = meanOf(loaded, { scale: 1, seed: 1, duration: time.ms(100) })('hot', 'throughput');
    const three = meanOf(loaded, { scale: 1, seed: 3, duration: time.ms(100) })('hot', 'throughput');
    const throughput = strict.rows.find((r) => r.vm === 'hot' && r.metric === 'throughput')!;
    expect(throughput.full).toBeCloseTo((one + three) / 2, 6);
    for (const row of strict.rows) {
      expect(row.miniatures.map((m) => m.scale)).toEqual([2, 4]);
      for (const m of row.miniatures) expect(m.pass, `${row.vm} ${row.metric}`).toBe(m.error === 0);
    }
    expect(strict.rows.some((r) => r.miniatures.some((m) => !m.pass))).toBe(true);
    expect(strict.pass).toBe(false);
  });
});

describe('miniatureChart', () => {
  it('is a vega-lite spec of each figure’s |error| against its tolerance, in percent', () => {
    const spec = miniatureChart(check) as {
      $schema: string;
      title: string;
      data: { values: { metric: string; scale: string; vm: string; error: number; tolerance: number }[] };
    };
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
    expect(spec.title).toMatch(/^tiny: miniatures against the full run/);
    expect(spec.data.values).toHaveLength(check.rows.length);
    const allocated = spec.data.values.find((v) => v.vm === 'cold' && v.metric === 'allocated')!;
    const row = check.rows.find((r) => r.vm === 'cold' && r.metric === 'allocated')!;
    expect(allocated).toEqual({
      metric: 'allocated',
      scale: 'R = 4',
      vm: 'cold',
      error: 100 * Math.abs(row.miniatures[0]!.error),
      tolerance: 5,
    });
    expect(spec.data.values.find((v) => v.metric === 'throughput')!.tolerance).toBe(10);
  });

  it('renders: a bar per metric and scale, and the title', async () => {
    const svg = await renderSvg(miniatureChart(check));
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('tiny: miniatures against the full run');
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(CHECKED_METRICS.length);
  });
});
