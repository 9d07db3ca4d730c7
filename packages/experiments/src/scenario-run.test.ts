import { parseScenario } from '@hvsim/scenario';
import { time } from '@hvsim/spec';
import { describe, expect, test } from 'vitest';
import { type ScenarioRun, ScenarioSimulation, simulateScenario } from './scenario-run';

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

describe('ScenarioSimulation', () => {
  const SHORT = SCENARIO.replace('duration: 200ms', 'duration: 100ms');

  /** A run without its wall time, which is the caller's clock and no part of the run. */
  const simulated = ({ summary, ...rest }: ScenarioRun) => {
    const { wallSeconds: _w, opsPerSecond: _o, ...figures } = summary;
    return { ...rest, summary: figures };
  };

  test('advanced with pauses is the run simulateScenario gives, timed only while it advances', async () => {
    const loaded = await parseScenario(SHORT, 'pauses');
    const whole = simulateScenario(loaded, { wallClock: () => 0 });
    // A fake wall clock: a millisecond per quantum simulated, a second per pause spent elsewhere.
    let wall = 0;
    const progress: number[] = [];
    const simulation = new ScenarioSimulation(loaded, {
      wallClock: () => wall,
      onProgress: (fraction) => progress.push(fraction),
    });
    expect([simulation.now, simulation.duration, simulation.done]).toEqual([0, time.ms(100), false]);
    const pauses = [1, 2, 13, 50];
    let quanta = 0;
    const stops: number[] = [];
    while (!simulation.done) {
      const ended = simulation.advance(() => {
        wall += 1;
        return pauses.includes(++quanta);
      });
      expect(ended).toBe(simulation.done);
      stops.push(simulation.now);
      if (!ended) {
        // The run so far: up to where it paused, and no further.
        const sofar = simulation.result();
        expect(sofar.summary.simulatedSeconds).toBe(simulation.now / 1e9);
        expect(Math.max(...sofar.metrics.times)).toBeLessThanOrEqual(simulation.now);
      }
      wall += 1000;
    }
    // The scenario's quantum is 1 ms: each pause comes at the end of its quantum.
    expect(stops).toEqual([1, 2, 13, 50, 100].map((ms) => time.ms(ms)));
    expect(quanta).toBe(100);
    const paused = simulation.result();
    expect(paused.summary.wallSeconds).toBe(quanta / 1000);
    expect(simulated(paused)).toEqual(simulated(whole));
    expect(paused.events.length).toBeGreaterThan(0);
    // Progress is told once per percent (here a quantum each), pauses or not, up to 1.
    expect(progress.map((f) => Math.round(100 * f))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(progress.at(-1)).toBe(1);
    // Advanced again once done, it runs nothing and says so.
    expect(simulation.advance(() => true)).toBe(true);
    expect(simulated(simulation.result())).toEqual(simulated(paused));
  });

  test('makes the default charts when asked, in the options or of result', async () => {
    const loaded = await parseScenario(SCENARIO.replace('duration: 200ms', 'duration: 20ms'), 'charts');
    const plain = new ScenarioSimulation(loaded, { wallClock: () => 0 });
    plain.advance();
    expect(plain.result().charts).toEqual([]);
    expect(plain.result(true).charts.map((c) => c.name)).toEqual([
      'allocation',
      'swapped',
      'throughput',
      'host-free',
    ]);
    const charted = new ScenarioSimulation(loaded, { wallClock: () => 0, charts: true });
    charted.advance();
    expect(charted.result().charts).toHaveLength(4);
    expect(charted.result(false).charts).toEqual([]);
  });
});
