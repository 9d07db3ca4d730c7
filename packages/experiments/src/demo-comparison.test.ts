import { parseScenarioWith } from '@hvsim/scenario';
import { formatTime } from '@hvsim/spec';
import { describe, expect, test } from 'vitest';
import { type DemoRunInput, demoComparison } from './demo-comparison';
import { compareRuns } from './run-story';

/** Two busy VMs promised twice a small host's memory: host paging fills it within the run. */
const SCENARIO = `
name: two VMs overcommitted
seed: 3
duration: 300ms
host: { memory: 6MiB, swap: 16MiB, quantum: 1ms, metricInterval: 20ms }
vms:
  - { name: a, memory: 4MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: uniform, pages: 0.9 } }
  - { name: b, memory: 4MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: uniform, pages: 0.9 } }
`;

const inputs = async (second: Record<string, unknown>): Promise<[DemoRunInput, DemoRunInput]> => [
  { name: 'host-paging', label: 'host paging only', loaded: await parseScenarioWith(SCENARIO, 'test', {}) },
  { name: 'esx', label: 'ESX stack', loaded: await parseScenarioWith(SCENARIO, 'test', second) },
];

const ESX = { policies: { stack: 'esx', rebalance: '50ms' } };

/** A spec as the plain JSON it is, to look into without vega-lite's union types. */
// biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
const json = (spec: object): any => JSON.parse(JSON.stringify(spec));

describe("the demo's comparison", () => {
  test("runs both, tells each run's story split where the first filled, and charts them side by side", async () => {
    const progress: number[] = [];
    const demo = demoComparison(await inputs(ESX), {
      wallClock: () => 0,
      charts: true,
      onProgress: (fraction) => progress.push(fraction),
    });
    expect(demo.runs.map((r) => [r.name, r.label])).toEqual([
      ['host-paging', 'host paging only'],
      ['esx', 'ESX stack'],
    ]);
    expect(demo.runs[1].run.summary.simulatedSeconds).toBeCloseTo(0.3);
    // The stories are those of the runs, compared.
    const { stories, comparison } = compareRuns([
      { label: 'host paging only', run: demo.runs[0].run },
      { label: 'ESX stack', run: demo.runs[1].run },
    ]);
    expect(demo.runs.map((r) => r.story)).toEqual(stories);
    expect(demo.comparison).toEqual(comparison);
    expect(demo.runs[0].story.filledAt).toBeGreaterThan(0);
    expect(demo.runs[1].story.splitAt).toBe(demo.runs[0].story.filledAt);
    // Progress runs over both, in order, to the end.
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress.at(-1)).toBeCloseTo(1, 1);
    expect(progress.some((f) => f > 0.25 && f < 0.5)).toBe(true);
    // Each run has its own charts; the comparison draws a line per run.
    expect(demo.runs[0].run.charts.map((c) => c.name)).toContain('throughput');
    const charts = Object.fromEntries(demo.charts.map((c) => [c.name, json(c.spec)]));
    expect(Object.keys(charts)).toEqual(['compare-throughput', 'compare-free', 'compare-swap']);
    const throughput = charts['compare-throughput'];
    expect(throughput.encoding.y.scale).toEqual({ type: 'symlog' });
    expect(throughput.encoding.color.scale.domain).toEqual(['host paging only', 'ESX stack']);
    expect(throughput.title).toContain(
      `memory filled at ${formatTime(demo.runs[0].story.filledAt! * 1e9)} with host paging only`,
    );
    const [lines, rule] = charts['compare-free'].layer;
    expect(lines.encoding.y.title).toBe('MiB');
    expect(rule.data.values).toEqual([{ value: 0.12, label: "full: 2% of the host's memory" }]);
    // The throughput drawn is all VMs' summed.
    const drawn = throughput.data.values.filter((v: { series: string }) => v.series === 'ESX stack');
    const sum = (i: number) =>
      demo.runs[1].run.metrics.series
        .filter((s) => s.name === 'throughput')
        .reduce((total, s) => total + s.values[i]!, 0);
    expect(drawn.at(-1).value).toBe(sum(drawn.length - 1));
  });

  test('draws nothing unless asked', async () => {
    const demo = demoComparison(await inputs(ESX), { wallClock: () => 0 });
    expect(demo.charts).toEqual([]);
    expect(demo.runs[0].run.charts).toEqual([]);
  });

  test('refuses to chart runs sampled at different times, naming the run', async () => {
    await expect(async () =>
      demoComparison(await inputs({ ...ESX, 'host.metricInterval': '50ms' }), {
        wallClock: () => 0,
        charts: true,
      }),
    ).rejects.toThrow(/runs\[ESX stack\].*sampled at the same times/);
  });
});
