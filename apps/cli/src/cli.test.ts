import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScenarioError } from '@hvsim/scenario';
import { HvsimError } from '@hvsim/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { type Io, main } from './cli';
import { above, experiments, figure } from './experiments';

const SMALL = join(import.meta.dirname, 'fixtures', 'small.yaml');
const BROKEN = join(import.meta.dirname, 'fixtures', 'broken.yaml');

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), tty: false };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hvsim-cli-'));

describe('hvsim mrc', () => {
  const TRACES = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'packages',
    'workloads',
    'src',
    'traces',
    'fixtures',
  );

  it('prints the exact curve of a trace as (pages, miss ratio) rows, and charts it', async () => {
    const io = capture();
    const chart = join(tmp(), 'curve.svg');
    expect(
      await main(
        ['mrc', join(TRACES, 'true.lackey'), '--format', 'csv', '--sizes', '1', '2', '4', '--chart', chart],
        io,
      ),
    ).toBe(0);
    const lines = io.stdout.join('').trim().split('\n');
    expect(lines[0]).toBe('pages,miss_ratio');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.map((r) => r[0])).toEqual([1, 2, 4]);
    // An LRU curve: every ratio in [0, 1], never rising with size.
    for (let i = 0; i < rows.length; i++) {
      expect(rows[i]![1]).toBeGreaterThanOrEqual(0);
      expect(rows[i]![1]).toBeLessThanOrEqual(1);
      if (i > 0) expect(rows[i]![1]).toBeLessThanOrEqual(rows[i - 1]![1]!);
    }
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg/);
  });

  it('samples with SHARDS on request, and says so in JSON; every format of trace reads', async () => {
    const io = capture();
    await main(['mrc', join(TRACES, 'true.oracleGeneral'), '--shards', '0.5', '--format', 'json'], io);
    expect(JSON.parse(io.stdout.join(''))).toMatchObject({
      format: 'oracleGeneral',
      method: 'shards',
      rate: 0.5,
    });
    for (const file of ['true.txt', 'true.hvsim.csv', 'example.hvsim.csv']) {
      expect(await main(['mrc', join(TRACES, file), '--format', 'json'], capture())).toBe(0);
    }
    const csv = [
      'mrc',
      join(TRACES, 'true.csv'),
      '--trace-format',
      'csv',
      '--obj-id-col',
      '4',
      '--has-header',
    ];
    expect(await main([...csv, '--format', 'json'], capture())).toBe(0);
  });

  it('names the flag at fault', async () => {
    const trace = join(TRACES, 'true.lackey');
    await expect(main(['mrc', join(TRACES, 'README.md')], capture())).rejects.toThrow(/--trace-format/);
    await expect(main(['mrc', trace, '--sizes', 'x'], capture())).rejects.toThrow(/sizes: expected a number/);
    await expect(main(['mrc', trace, '--shards', '2'], capture())).rejects.toThrow(/rate/);
    await expect(main(['mrc', trace, '--format', 'xml'], capture())).rejects.toThrow(
      /format: expected table, csv or json/,
    );
  });
});

describe('hvsim score', () => {
  it('scores every detector against the oracle on one run', async () => {
    const io = capture();
    expect(await main(['score', '--json'], io)).toBe(0);
    const rows = JSON.parse(io.stdout.join(''));
    expect(rows.map((r: { detector: string }) => r.detector)).toEqual([
      'sampling',
      'lru-statistics',
      'access-bits',
      'damon',
    ]);
    const of = (name: string) => rows.find((r: { detector: string }) => r.detector === name);
    // Sampling checks n = 100 pages per 30 s period; the scanner every page of the 256 MiB VM every 10 s.
    expect(of('sampling').checksPerSecond).toBeCloseTo(100 / 30, 1);
    expect(of('access-bits').checksPerSecond).toBeGreaterThan(0.95 * (65536 / 10));
    expect(of('access-bits').checksPerSecond).toBeLessThanOrEqual(65536 / 10);
    expect(of('damon').checksPerSecond).toBeLessThanOrEqual(1000 / 0.25);
    // The scanner sees a rise at its next scan; sampling within a couple of its 30 s periods.
    expect(of('access-bits').lagUpSeconds).toBeLessThanOrEqual(10);
    expect(of('sampling').lagUpSeconds).toBeGreaterThan(of('access-bits').lagUpSeconds);
    for (const row of rows) expect(Number.isFinite(row.meanAbsoluteErrorMiB)).toBe(true);
  }, 60_000);

  it('asks for an oracle when no VM has one', async () => {
    await expect(main(['score', SMALL], capture())).rejects.toThrow(/observers: \[oracle/);
  });
});

describe('hvsim run', () => {
  it('prints a summary that says how much was simulated and how fast', async () => {
    const io = capture();
    expect(await main(['run', SMALL], io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toMatch(/^small\n/);
    expect(text).toMatch(/throughput \(ops\/s\)/);
    expect(text).toMatch(/simulated 0\.06 s and .* guest memory operations in .* s of wall time: .*ops\/s/);
  });

  it('says why a VM was not powered on', async () => {
    const file = join(tmp(), 'refused.yaml');
    writeFileSync(
      file,
      'host: { memory: 8MiB }\nduration: 1ms\nvms: [{ name: big, memory: 1MiB, workload: idle }]\n',
    );
    const io = capture();
    expect(await main(['run', file], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/big was not powered on: max − min .* swap is 0/);
  });

  it('prints the summary as JSON for scripts, and writes metrics, events and charts', async () => {
    const io = capture();
    const out = tmp();
    expect(await main(['run', SMALL, '--json', '--out', out], io)).toBe(0);
    const summary = JSON.parse(io.stdout.join(''));
    expect(summary).toMatchObject({ scenario: 'small', simulatedSeconds: 0.06 });
    expect(summary.ops).toBeGreaterThan(0);
    expect(summary.vms.map((v: { name: string }) => v.name)).toEqual(['a', 'b']);
    expect(summary.outputs.map((p: string) => p.slice(out.length + 1)).sort()).toEqual(
      [
        'allocation.png',
        'allocation.svg',
        'events.jsonl',
        'host-free.png',
        'host-free.svg',
        'metrics.csv',
        'metrics.json',
        'swapped.png',
        'swapped.svg',
        'throughput.png',
        'throughput.svg',
      ].sort(),
    );
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toMatch(/^time_s,a\/allocated \(pages\)/);
  });

  it('is deterministic: two runs write byte-identical metrics and event logs', async () => {
    const [one, two] = [tmp(), tmp()];
    await main(['run', SMALL, '--out', one, '--no-charts'], capture());
    await main(['run', SMALL, '--out', two, '--no-charts'], capture());
    for (const file of ['metrics.json', 'metrics.csv', 'events.jsonl']) {
      expect(readFileSync(join(one, file), 'utf8')).toBe(readFileSync(join(two, file), 'utf8'));
    }
  });

  it('checks every invariant after every quantum with --check-invariants, or with the scenario field', async () => {
    const io = capture();
    expect(await main(['run', SMALL, '--check-invariants'], io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toMatch(/^small\n/);
    expect(text).toMatch(/\nevery invariant held after every quantum\n$/);
    const json = capture();
    expect(await main(['run', SMALL, '--check-invariants', '--json'], json)).toBe(0);
    expect(JSON.parse(json.stdout.join(''))).toMatchObject({ scenario: 'small', invariantsChecked: true });
    const unchecked = capture();
    await main(['run', SMALL, '--json'], unchecked);
    expect(JSON.parse(unchecked.stdout.join('')).invariantsChecked).toBeUndefined();
    const file = join(tmp(), 'checked.yaml');
    writeFileSync(file, `${readFileSync(SMALL, 'utf8')}checks: { invariants: true }\n`);
    const field = capture();
    expect(await main(['run', file], field)).toBe(0);
    expect(field.stdout.join('')).toMatch(/\nevery invariant held after every quantum\n$/);
  });

  it('refuses a broken scenario with every problem named by its path', async () => {
    const error = await main(['run', BROKEN], capture()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues.map((i) => i.path)).toEqual(['host.memory']);
  });
});

describe('hvsim validate, list, schema', () => {
  it('validates a good scenario and refuses a broken one', async () => {
    const io = capture();
    expect(await main(['validate', SMALL], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/valid — 2 VMs, 0\.06 s of host time/);
    await expect(main(['validate', BROKEN], capture())).rejects.toThrow(/host\.memory/);
  });

  it('lists the registered factories with their options', async () => {
    const io = capture();
    await main(['list', '--json'], io);
    const list = JSON.parse(io.stdout.join(''));
    const zipf = list.find((d: { name: string }) => d.name === 'zipf');
    expect(zipf.contract).toBe('workload@1');
    expect(zipf.options.alpha).toMatch(/Zipf exponent/);
    expect(list.map((d: { name: string }) => d.name)).toEqual(
      expect.arrayContaining(['linux', 'windows', 'trace']),
    );
    // Nested options, and the options of one trace format only, are listed too.
    const byName = (name: string) => list.find((d: { name: string }) => d.name === name).options;
    expect(byName('linux')['balloon.limit']).toMatch(/largest balloon/);
    expect(byName('trace').format).toMatch(/^one of "lackey" \(valgrind/);
    expect(byName('trace').objIdCol).toMatch(/\(only with format "csv"\)$/);
  });

  it('prints the JSON Schema of scenario files', async () => {
    const io = capture();
    await main(['schema'], io);
    expect(JSON.parse(io.stdout.join('')).properties.vms).toBeDefined();
  });

  it('answers an unknown command with usage and a non-zero exit', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io)).not.toBe(0);
    expect(io.stderr.join('')).toMatch(/unknown command/);
  });
});

describe('hvsim reproduce', () => {
  afterEach(() => {
    experiments.length = 0;
  });

  it('lists, runs and checks experiments, failing when a figure is outside its tolerance', async () => {
    experiments.push({
      name: 'toy',
      title: 'a toy experiment',
      run: async () => ({
        figures: [
          figure('ratio', '', 0.95, 0.96, 0.015),
          figure('level', 'MB', 100, 120, 8),
          above('more than', 'x', 1, 1.5),
        ],
      }),
    });
    const list = capture();
    await main(['reproduce'], list);
    expect(list.stdout.join('')).toMatch(
      /^esx-fig2 {2}ESX Figure 2.*\nesx-fig4 {2}ESX Figure 4.*\nesx-fig6 {2}ESX Figure 6.*\nesx-fig7 {2}ESX Figure 7.*\ndouble-paging {2}Double paging.*\nmeb-balance {2}MEB.*\ncmm-overcommit {2}CMM.*\ncompression-tier {2}Memory compression.*\nsharing-side-channel {2}Sharing side channel.*\nsatori-sharing {2}Satori.*\nsharing-isolation {2}Isolation.*\ntoy {2}a toy experiment\n$/,
    );
    const io = capture();
    expect(await main(['reproduce', 'toy', '--json'], io)).toBe(1);
    expect(JSON.parse(io.stdout.join(''))).toEqual({
      name: 'toy',
      figures: [
        { label: 'ratio', unit: '', published: 0.95, simulated: 0.96, tolerance: 0.015, pass: true },
        { label: 'level', unit: 'MB', published: 100, simulated: 120, tolerance: 8, pass: false },
        {
          label: 'more than',
          unit: 'x',
          published: 1,
          simulated: 1.5,
          tolerance: 0,
          bound: 'above',
          pass: true,
        },
      ],
    });
    const table = capture();
    await main(['reproduce', 'toy'], table);
    expect(table.stdout.join('')).toMatch(/more than .*> 1 +pass/);
    await expect(main(['reproduce', 'nope'], capture())).rejects.toThrow(HvsimError);
  });
});

describe('the hvsim command', () => {
  it('prints a user error without a stack trace and exits 2', () => {
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const result = spawnSync(
      process.execPath,
      [
        '--conditions=@hvsim/source',
        '--import',
        'tsx',
        join(import.meta.dirname, 'main.ts'),
        'validate',
        BROKEN,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hvsim: .*broken\.yaml: a problem:\n {2}host\.memory: expected a size/);
    expect(result.stderr).not.toMatch(/ at /);
  });
});
