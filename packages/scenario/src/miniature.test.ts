import { createHost } from '@hvsim/host';
import { MAX_SCALE, parsePages, time } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { problems } from './issues.fixture';
import { parseScenario } from './load';

const scenario = (top = '') => `${top}
duration: 20ms
host: { memory: 16MiB, swap: 16MiB, quantum: 1ms, metricInterval: 5ms }
vms:
  - { name: a, memory: 4MiB, min: 1MiB, overhead: 256KiB, guest: { kind: linux, bootTime: 2ms }, workload: { kind: zipf, pages: 0.5 } }
`;

describe("a scenario's scale", () => {
  it('is 1 by default, and the host configuration then says nothing of it', async () => {
    const loaded = await parseScenario(scenario(), 'full.yaml');
    expect(loaded.scenario.scale).toBe(1);
    expect('scale' in loaded.host).toBe(false);
    expect((await parseScenario(scenario('scale: 1'), 'one.yaml')).host).toEqual(loaded.host);
  });

  it('is carried to the host configuration above 1, with every size still the full host’s', async () => {
    const { scenario: parsed, host } = await parseScenario(scenario('scale: 16'), 'mini.yaml');
    expect(parsed.scale).toBe(16);
    expect(host.scale).toBe(16);
    expect(host.frames).toBe(parsePages('16MiB'));
    expect(host.vms[0]).toMatchObject({ pages: 1024, min: 256, overheadPages: 64 });
    expect((await parseScenario(scenario(`scale: ${MAX_SCALE}`), 'max.yaml')).host.scale).toBe(MAX_SCALE);
  });

  it('runs as a miniature in a host', async () => {
    const { host: config, duration } = await parseScenario(scenario('scale: 4'), 'mini.yaml');
    const host = createHost(config);
    expect(host.machine.totalFrames).toBe(1024);
    host.run(duration);
    expect(host.stats()).toMatchObject({ scale: 4, simulatedTime: time.ms(20) });
    expect(host.stats().ops % 4).toBe(0);
  });

  it.each([
    [0, 'expected a number of at least 1, got 0'],
    [2.5, 'expected a whole number, got 2.5'],
    [10_000, `expected a number of at most ${MAX_SCALE}, got 10000`],
    [-1, 'expected a number of at least 1, got -1'],
    ['"4"', 'expected a number, got "4"'],
  ])('refuses scale %s, naming the path `scale`', async (scale, message) => {
    expect(await problems(scenario(`scale: ${scale}`))).toEqual([{ path: 'scale', message }]);
  });
});
