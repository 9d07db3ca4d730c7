import { parseScenario } from '@hvsim/scenario';
import { describe, expect, test } from 'vitest';
import { simulateScenario } from './scenario-run';

const SCENARIO = `
duration: 200ms
host: { memory: 6MiB, swap: 16MiB, quantum: 1ms, metricInterval: 20ms }
vms:
  - { name: web, memory: 4MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: zipf, pages: 0.8 } }
  - { name: desktop, memory: 4MiB, guest: { kind: windows, bootTime: 5ms }, workload: idle }
`;

/** A spec as the plain JSON it is, to look into without vega-lite's union types. */
// biome-ignore lint/suspicious/noExplicitAny: test access into nested JSON
const json = (spec: object): any => JSON.parse(JSON.stringify(spec));

describe("a scenario run's default charts", () => {
  test('draw sizes in MiB with the host memory across, a line per VM named by it, and throughput on symlog', async () => {
    const run = simulateScenario(await parseScenario(SCENARIO, 'charts'), {
      wallClock: () => 0,
      charts: true,
    });
    const charts = Object.fromEntries(run.charts.map((c) => [c.name, json(c.spec)]));
    expect(Object.keys(charts)).toEqual(['allocation', 'swapped', 'throughput', 'host-free']);
    const [lines, rule] = charts['allocation'].layer;
    expect(lines.encoding.y.title).toBe('MiB');
    expect(lines.encoding.color.scale.domain).toEqual(['web', 'desktop']);
    const held = lines.data.values.filter((v: { series: string }) => v.series === 'web');
    const pages = run.metrics.series.find((s) => s.vm === 'web' && s.name === 'allocated')!.values;
    expect(held.at(-1).value).toBe((pages.at(-1)! * 4096) / 2 ** 20);
    expect(rule.data.values).toEqual([{ value: 6, label: 'host memory, 6 MiB' }]);
    const throughput = charts['throughput'];
    expect(throughput.encoding.y.scale).toEqual({ type: 'symlog' });
    expect(throughput.encoding.color.scale.domain).toEqual(['web', 'desktop']);
    expect(charts['host-free'].layer[0].encoding.color.scale.domain).toEqual(['host']);
  });
});

describe("a scenario run's summary", () => {
  test("gives the host's memory, which free memory and the VMs' memory are out of", async () => {
    const run = simulateScenario(await parseScenario(SCENARIO, 'summary'), { wallClock: () => 0 });
    expect(run.summary.hostMemoryMiB).toBe(6);
    expect(run.summary.hostFreeMiB).toBeLessThanOrEqual(6);
  });
});
