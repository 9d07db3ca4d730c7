import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, MAX_SCALE } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { capture, SMALL, scenarioVariant, tmpDir } from './test-support';

const tmp = () => tmpDir('hvsim-mini-cli-');
const MINIATURE_LINE =
  'a miniature at scale 4: one simulated page stood for 4, every figure is scaled back to the full host';

/** The small scenario for an hour, in a folder of its own: simulating it would outlast any test. */
const longScenario = () => scenarioVariant(SMALL, 'duration: 60ms', 'duration: 1h', 'long.yaml');

/** Two 8 MiB VMs with no memory pressure, run long enough that a miniature at scale 4 is within tolerance. */
function calmScenario(): string {
  const file = join(tmp(), 'calm.yaml');
  writeFileSync(
    file,
    `name: calm
seed: 2
duration: 300ms
host: { memory: 24MiB, swap: 16MiB, quantum: 2ms, metricInterval: 50ms }
vms:
  - { name: a, memory: 8MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: zipf, pages: 0.8, alpha: 0.8 } }
  - { name: b, memory: 8MiB, guest: { kind: linux, bootTime: 5ms }, workload: { kind: uniform, pages: 0.6 } }
`,
  );
  return file;
}

describe('hvsim run --scale', () => {
  it('runs a miniature and says so: scale 4 in the JSON summary, figures of the full host', async () => {
    const full = capture();
    expect(await main(['run', SMALL, '--json'], full)).toBe(0);
    const io = capture();
    expect(await main(['run', SMALL, '--scale', '4', '--json'], io)).toBe(0);
    const [one, four] = [full, io].map((c) => JSON.parse(c.stdout.join('')));
    expect(one.scale).toBe(1);
    expect(four).toMatchObject({ scenario: 'small', seed: 3, scale: 4, simulatedSeconds: 0.06 });
    // Scaled back: ops are whole multiples of the scale, and free memory of the same magnitude as in full.
    expect(four.ops % 4).toBe(0);
    for (const vm of four.vms) expect(vm.ops % 4).toBe(0);
    expect(four.hostFreeMiB + four.hostSwapUsedMiB).toBeGreaterThan(
      0.5 * (one.hostFreeMiB + one.hostSwapUsedMiB),
    );
    expect(four.hostFreeMiB + four.hostSwapUsedMiB).toBeLessThan(
      1.5 * (one.hostFreeMiB + one.hostSwapUsedMiB),
    );
  });

  it('says in the text summary that the run is a miniature, and says nothing of it at full size', async () => {
    const io = capture();
    expect(await main(['run', SMALL, '--scale', '4'], io)).toBe(0);
    expect(io.stdout.join('').split('\n').slice(0, 2)).toEqual(['small', MINIATURE_LINE]);
    const full = capture();
    expect(await main(['run', SMALL], full)).toBe(0);
    expect(full.stdout.join('')).not.toMatch(/miniature/);
  });

  it("takes the scenario's scale, and --scale overrides it", async () => {
    const file = join(tmp(), 'mini.yaml');
    writeFileSync(file, `scale: 4\n${readFileSync(SMALL, 'utf8')}`);
    const json = async (...flags: string[]) => {
      const io = capture();
      expect(await main(['run', file, '--json', ...flags], io)).toBe(0);
      return JSON.parse(io.stdout.join(''));
    };
    expect((await json()).scale).toBe(4);
    expect((await json('--scale', '1')).scale).toBe(1);
    expect((await json('--scale', '2')).scale).toBe(2);
  });

  it('says it is a miniature in every output: summary.json, the metrics, the event log, the charts', async () => {
    const out = tmp();
    const io = capture();
    expect(await main(['run', SMALL, '-o', out, '--scale', '4'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ scenario: 'small', seed: 3, scale: 4, simulatedSeconds: 0.06 });
    expect(summary.outputs).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).scale).toBe(4);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/^time_s,scale,/);
    expect(csv[1]).toMatch(/^0,4,/);
    const first = JSON.parse(readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n')[0]!);
    expect(first).toMatchObject({ kind: 'miniature', data: { scale: 4 } });
    expect(readFileSync(join(out, 'allocation.svg'), 'utf8')).toContain(
      '(miniature at scale 4, scaled back)',
    );
    expect(io.stdout.join('')).toContain(MINIATURE_LINE);
  });

  it('writes summary.json with scale 1 for a full run, and metrics without a scale', async () => {
    const out = tmp();
    expect(await main(['run', SMALL, '-o', out, '--no-charts'], capture())).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).scale).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).not.toHaveProperty('scale');
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toMatch(/^time_s,[^s]/);
  });

  it.each(['0', '1.5', String(MAX_SCALE + 1), 'x'])(
    'refuses --scale %s before reading or running the scenario, naming --scale',
    async (scale) => {
      const out = join(tmp(), 'out');
      const error = await main(['run', longScenario(), '--scale', scale, '-o', out], capture()).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).message).toBe(
        `--scale: expected a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(scale)}`,
      );
      expect(existsSync(out)).toBe(false);
    },
  );
});

describe('hvsim miniature-check', () => {
  it('writes the comparison as JSON, SVG and PNG, and exits 0 when every figure is within tolerance', async () => {
    const out = tmp();
    const io = capture();
    expect(await main(['miniature-check', calmScenario(), '--scales', '4', '-o', out], io)).toBe(0);
    const check = JSON.parse(readFileSync(join(out, 'miniature-check.json'), 'utf8'));
    expect(check).toMatchObject({ scenario: 'calm', seeds: [2], pass: true });
    expect(check.speed.map((s: { scale: number }) => s.scale)).toEqual([1, 4]);
    expect(check.rows.map((r: { vm: string; metric: string }) => `${r.vm} ${r.metric}`)).toEqual([
      'a allocated',
      'a swapped',
      'a shared',
      'a ballooned',
      'a throughput',
      'b allocated',
      'b swapped',
      'b shared',
      'b ballooned',
      'b throughput',
    ]);
    expect(readFileSync(join(out, 'miniature-check.svg'), 'utf8')).toMatch(/^<svg/);
    expect([...readFileSync(join(out, 'miniature-check.png')).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    const text = io.stdout.join('');
    expect(text).toMatch(/^calm, seed 2\n/);
    expect(text).toContain('every figure is within its tolerance');
    expect(text).toContain(
      `wrote ${['json', 'svg', 'png'].map((ext) => join(out, `miniature-check.${ext}`)).join(', ')}, ${join(out, 'report.html')}\n`,
    );
  });

  it('exits 1 when a figure is outside its tolerance (the small scenario’s 60 ms of heavy paging)', async () => {
    const out = tmp();
    const io = capture();
    expect(
      await main(['miniature-check', SMALL, '--scales', '4', '--seeds', '1,2', '-o', out, '--json'], io),
    ).toBe(1);
    const printed = JSON.parse(io.stdout.join(''));
    expect(printed).toMatchObject({ scenario: 'small', seeds: [1, 2], pass: false });
    expect(printed.outputs).toEqual([
      ...['json', 'svg', 'png'].map((ext) => join(out, `miniature-check.${ext}`)),
      join(out, 'report.html'),
    ]);
    const { outputs: _, ...written } = printed;
    expect(JSON.parse(readFileSync(join(out, 'miniature-check.json'), 'utf8'))).toEqual(written);
  });

  it.each([
    [['--scales', '1'], '--scales: expected scales above 1: the full run is always made'],
    [['--scales', '4,4'], '--scales: the scale 4 is given twice'],
    [['--scales', 'x'], `--scales: expected a whole number from 1 to ${MAX_SCALE}, got "x"`],
    [['--scales', ''], '--scales: expected at least one scale, such as 16'],
    [['--scales', '4', '--seeds', '1.5'], '--seeds: expected whole numbers, got "1.5"'],
  ])('refuses %j before running anything', async (flags, message) => {
    const out = join(tmp(), 'out');
    await expect(main(['miniature-check', longScenario(), ...flags, '-o', out], capture())).rejects.toThrow(
      message,
    );
    expect(existsSync(out)).toBe(false);
  });
});
