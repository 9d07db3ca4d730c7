import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  above,
  comparison,
  experiments,
  figure,
  formatComparison,
  formatStory,
  type RunStory,
  type ScenarioSummary,
  type StoryComparison,
} from '@hvsim/experiments';
import { formatSi } from '@hvsim/report';
import { ScenarioError } from '@hvsim/scenario';
import { formatTime, HvsimError } from '@hvsim/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './cli';
import { capture, FIXTURES, HVSIM, SMALL, scenarioVariant, tmpDir } from './test-support';

const TOY_COMPARISON = comparison(
  [
    { label: 'published', kind: 'published', points: [{ x: 1, y: 0.95 }] },
    { label: 'simulated', kind: 'simulated', points: [{ x: 1, y: 0.96 }] },
  ],
  { title: 'toy', xTitle: 'x', yTitle: 'y', width: 60, height: 40 },
);

const BROKEN = join(FIXTURES, 'broken.yaml');
const REFUSAL = join(FIXTURES, 'refusal.yaml');
const BATCH_REFUSED =
  'batch cannot power on at 20 ms: backing the memory the VMs running with it may give up (max − min) would need 12 MiB of host swap; the host has 8 MiB';

/** The refusal fixture without its `expectRefusal` mark, in a file of its own. */
const unexpectedRefusal = () => scenarioVariant(REFUSAL, 'expectRefusal: true', '', 'refused.yaml');

const tmp = () => tmpDir('hvsim-cli-');

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
      'host: { memory: 8MiB }\nduration: 1ms\nvms: [{ name: big, memory: 1MiB, workload: idle, expectRefusal: true }]\n',
    );
    const io = capture();
    expect(await main(['run', file], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(
      /big was not powered on: backing the memory .* would need 1 MiB of host swap; the host has no swap/,
    );
  });

  it('runs a scenario whose refusal is expected, and refuses one that does not expect it before simulating', async () => {
    const io = capture();
    expect(await main(['run', REFUSAL, '--json'], io)).toBe(0);
    const summary = JSON.parse(io.stdout.join(''));
    expect(summary.vms.map((v: { name: string; poweredOn: boolean }) => [v.name, v.poweredOn])).toEqual([
      ['desktop1', true],
      ['desktop2', true],
      ['batch', false],
    ]);
    expect(summary.vms[2].refused).toBe(BATCH_REFUSED.slice(BATCH_REFUSED.indexOf(': ') + 2));
    const error = await main(['run', unexpectedRefusal()], capture()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).issues).toEqual([
      { path: 'vms[1]', message: `${BATCH_REFUSED} (if that is the point, set expectRefusal: true)` },
    ]);
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
        'report.html',
        'summary.json',
        'swapped.png',
        'swapped.svg',
        'throughput.png',
        'throughput.svg',
      ].sort(),
    );
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toMatch(/^time_s,a\/allocated \(pages\)/);
    const { outputs: _, ...written } = summary;
    // summary.json is the printed summary without the list of what was written.
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(written);
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

describe('hvsim demo', () => {
  interface DemoJson {
    runs: { name: string; label: string; summary: ScenarioSummary; story: RunStory; outputs: string[] }[];
    comparison: StoryComparison;
    charts: { name: string; files: string[] }[];
    report: string;
  }
  let json: Promise<DemoJson> | undefined;
  /** The demo once as JSON, without charts, when a test first asks: the facts its text must tell. */
  const facts = (): Promise<DemoJson> => {
    json ??= (async () => {
      const io = capture();
      expect(await main(['demo', '--json', '--no-charts', '-o', tmp()], io)).toBe(0);
      return JSON.parse(io.stdout.join('')) as DemoJson;
    })();
    return json;
  };

  it('runs one host twice, host paging only then the ESX stack, and shows why the mechanisms exist', async () => {
    const { runs, comparison, charts, report } = await facts();
    expect(runs.map((r) => [r.name, r.label])).toEqual([
      ['host-paging', 'host paging only'],
      ['esx', 'ESX stack'],
    ]);
    expect(runs.map((r) => r.summary.simulatedSeconds)).toEqual([5, 5]);
    expect(runs.every((r) => r.summary.ops > 0)).toBe(true);
    const [paging, esx] = runs.map((r) => r.story);
    // Host paging fills memory and collapses; the ESX stack keeps memory free and the VMs running.
    expect(paging!.filledAt).toBeGreaterThan(0);
    expect(esx!.filledAt).toBeUndefined();
    expect(comparison.splitAt).toBe(paging!.filledAt);
    expect(comparison.total[1]).toBeGreaterThan(10 * comparison.total[0]);
    expect(comparison.swapMiB[1]).toBeLessThan(comparison.swapMiB[0]);
    expect(comparison.doublePagingPages[0]).toBeGreaterThan(comparison.doublePagingPages[1]);
    expect(esx!.balloonedMiB).toBeGreaterThan(0);
    expect(esx!.sharingSavedMiB).toBeGreaterThan(0);
    // Each run's outputs, its report among them, are in a folder of its own; no charts were asked for; the
    // report of both runs is beside the folders.
    for (const run of runs) {
      expect(run.outputs.map((p) => basename(p)).sort()).toEqual(
        ['events.jsonl', 'metrics.csv', 'metrics.json', 'report.html', 'summary.json'].sort(),
      );
      expect(basename(resolve(run.outputs[0]!, '..'))).toBe(run.name);
    }
    expect(charts).toEqual([]);
    expect(report).toBe(join(resolve(runs[0]!.outputs[0]!, '..', '..'), 'report.html'));
    expect(existsSync(report)).toBe(true);
  }, 60_000);

  it("tells each run's story and the comparison with the run's numbers, and names what it wrote", async () => {
    const { runs, comparison } = await facts();
    const dir = tmp();
    const io = capture(dir);
    expect(await main(['demo', '-o', 'out'], io)).toBe(0);
    const text = io.stdout.join('');
    const [paging, esx] = runs.map((r) => r.story);
    for (const run of runs) expect(text).toContain(formatStory(run.label, run.story));
    expect(text).toContain(formatComparison(comparison));
    // The key numbers, as the story data has them.
    expect(text).toContain(`Memory filled at ${formatTime(paging!.filledAt! * 1e9)}`);
    expect(text).toContain(
      `all VMs    ${formatSi(paging!.total.before, '')} → ${formatSi(paging!.total.after!, '')} ops/s`,
    );
    expect(text).toContain(`Host swap held at most ${Number(paging!.swapMiB.toFixed(1))} MiB`);
    expect(text).toContain(`guests paged out ${paging!.doublePaging.pages} pages`);
    expect(text).toContain(`the least was ${Number(esx!.lowestFree.mib.toFixed(1))} MiB`);
    expect(text).toContain(`all VMs ran at ${formatSi(comparison.total[1], '')} ops/s`);
    // The files, from where the command was typed.
    expect(text).toMatch(
      /\nwrote:\n {2}out\/host-paging\/ +13 files \(host paging only\)\n {2}out\/esx\/ +13 files \(ESX stack\)\n/,
    );
    for (const chart of ['compare-throughput', 'compare-free', 'compare-swap']) {
      expect(text).toContain(`  out/${chart}.svg, out/${chart}.png\n`);
      expect(existsSync(join(dir, 'out', `${chart}.png`))).toBe(true);
    }
    expect(readdirSync(join(dir, 'out', 'esx'))).toContain('throughput.svg');
    expect(text).toMatch(/\nreport: out\/report\.html\n$/);
  }, 60_000);
});

describe('hvsim validate, list, schema', () => {
  it('validates a good scenario and refuses a broken one', async () => {
    const io = capture();
    expect(await main(['validate', SMALL], io)).toBe(0);
    expect(io.stdout.join('')).toBe(`${SMALL}: valid — 2 VMs, 60 ms of host time\n`);
    await expect(main(['validate', BROKEN], capture())).rejects.toThrow(/host\.memory/);
  });

  it('counts VMs in words and gives the run in readable units', async () => {
    const file = join(tmp(), 'one.yaml');
    writeFileSync(
      file,
      'host: { memory: 8MiB, swap: 8MiB }\nduration: 1h\nvms: [{ name: a, memory: 1MiB, workload: idle }]\n',
    );
    const io = capture();
    expect(await main(['validate', file], io)).toBe(0);
    expect(io.stdout.join('')).toBe(`${file}: valid — 1 VM, 1 h of host time\n`);
  });

  it('checks admission as run would: a refusal is an error, unless the scenario expects it', async () => {
    const io = capture();
    expect(await main(['validate', REFUSAL], io)).toBe(0);
    expect(io.stdout.join('')).toBe(
      `${REFUSAL}: valid — 3 VMs, 50 ms of host time\n  vms[1] (refusal expected): ${BATCH_REFUSED}\n`,
    );
    await expect(main(['validate', unexpectedRefusal()], capture())).rejects.toThrow(
      `a problem:\n  vms[1]: ${BATCH_REFUSED} (if that is the point, set expectRefusal: true)`,
    );
  });

  it('finds what a run would find when it creates the workloads, before simulating: a missing trace', async () => {
    const cwd = tmp();
    writeFileSync(
      join(cwd, 'trace.yaml'),
      'host: { memory: 8MiB, swap: 8MiB }\nvms: [{ name: a, memory: 4MiB, workload: { kind: trace, format: txt, path: gone.txt } }]\n',
    );
    for (const command of ['validate', 'run']) {
      await expect(main([command, 'trace.yaml'], capture(cwd))).rejects.toThrow(
        `vms[0].workload: ${join(cwd, 'gone.txt')}: no such trace file`,
      );
    }
  });

  it('lists every bounds problem at once', async () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(
      file,
      'duration: 0s\nhost: { memory: 8MiB }\nvms:\n  - { name: a, memory: 0, workload: idle }\n  - { name: b, memory: 1MiB, min: 2MiB, workload: idle }\n',
    );
    const error = await main(['validate', file], capture()).catch((e: unknown) => e);
    expect((error as ScenarioError).issues).toEqual([
      { path: 'duration', message: 'expected a duration above 0' },
      { path: 'vms[0].memory', message: 'expected at least one page, got 0' },
      { path: 'vms[1].min', message: "expected at most the VM's memory (1 MiB), got 2 MiB" },
    ]);
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
    const cwd = tmp();
    experiments.push({
      name: 'toy',
      title: 'a toy experiment',
      run: async () => ({
        figures: [
          figure('ratio', '', 0.95, 0.96, 0.015),
          figure('level', 'MB', 100, 120, 8),
          above('more than', 'x', 1, 1.5),
        ],
        ...TOY_COMPARISON,
      }),
    });
    const list = capture();
    await main(['reproduce'], list);
    expect(list.stdout.join('')).toMatch(
      /^esx-fig2 {2}ESX Figure 2.*\nesx-fig4 {2}ESX Figure 4.*\nesx-fig6 {2}ESX Figure 6.*\nesx-fig7 {2}ESX Figure 7.*\nesx-fig8 {2}ESX Figure 8.*\ndouble-paging {2}Double paging.*\nmeb-balance {2}MEB.*\ncmm-overcommit {2}CMM.*\ncompression-tier {2}Memory compression.*\nsharing-side-channel {2}Sharing side channel.*\nsatori-sharing {2}Satori.*\nsharing-isolation {2}Isolation.*\ntoy {2}a toy experiment\n$/,
    );
    const io = capture(cwd);
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
      outputs: [
        ...['svg', 'png'].map((ext) => join(cwd, 'hvsim-reproduce', 'toy', `toy.${ext}`)),
        join(cwd, 'hvsim-reproduce', 'toy', 'report.html'),
      ],
    });
    const table = capture(cwd);
    await main(['reproduce', 'toy'], table);
    expect(table.stdout.join('')).toMatch(/more than .*> 1 +pass/);
    await expect(main(['reproduce', 'nope'], capture())).rejects.toThrow(HvsimError);
  });

  it('writes the chart under hvsim-reproduce/<name>/ in the current folder and says where', async () => {
    experiments.push({
      name: 'toy',
      title: 'a toy experiment',
      run: async () => ({
        figures: [figure('ratio', '', 0.955536181342633, 0.9612345, 0.015)],
        ...TOY_COMPARISON,
      }),
    });
    const cwd = tmp();
    const io = capture(cwd);
    expect(await main(['reproduce', 'toy'], io)).toBe(0);
    const [svg, png] = ['svg', 'png'].map((ext) => join(cwd, 'hvsim-reproduce', 'toy', `toy.${ext}`));
    expect(readFileSync(svg!, 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(png!).subarray(1, 4).toString()).toBe('PNG');
    const text = io.stdout.join('');
    const report = join(cwd, 'hvsim-reproduce', 'toy', 'report.html');
    expect(text).toContain(`\nwrote ${svg}, ${png}, ${report}\n`);
    expect(readFileSync(report, 'utf8')).toContain('<title>a toy experiment — hvsim reproduction</title>');
    // Figures to 3 significant digits, not every digit of a double.
    expect(text).toMatch(/ratio +0\.956 +0\.961 +± 0\.015 +pass/);
    expect(text).not.toContain('0.955536');
    // -o is a folder of the user's, relative to where the command was typed.
    expect(await main(['reproduce', 'toy', '-o', 'charts'], capture(cwd))).toBe(0);
    expect(readFileSync(join(cwd, 'charts', 'toy.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses an output folder that is a file before running the experiment', async () => {
    let ran = false;
    experiments.push({
      name: 'toy',
      title: 'a toy experiment',
      run: async () => {
        ran = true;
        return { figures: [], ...TOY_COMPARISON };
      },
    });
    const cwd = tmp();
    writeFileSync(join(cwd, 'taken'), 'x');
    await expect(main(['reproduce', 'toy', '-o', 'taken'], capture(cwd))).rejects.toThrow(
      `--out: cannot write to ${join(cwd, 'taken')}: it is a file, not a folder`,
    );
    expect(ran).toBe(false);
  });

  it('tells a bug in hvsim as one, in a line, with the stack trace only on --debug', async () => {
    experiments.push({
      name: 'toy',
      title: 'a toy experiment',
      run: async () => {
        throw new TypeError('x is undefined');
      },
    });
    const io = capture(tmp());
    expect(await main(['reproduce', 'toy'], io)).toBe(70);
    expect(io.stderr.join('')).toBe(
      'hvsim: this is a bug in hvsim, please report it: x is undefined\n' +
        '(run again with --debug for the stack trace)\n',
    );
    const debug = capture(tmp());
    expect(await main(['--debug', 'reproduce', 'toy'], debug)).toBe(70);
    const [line, stack] = debug.stderr;
    expect(line).toBe('hvsim: this is a bug in hvsim, please report it: x is undefined\n');
    expect(stack).toMatch(/^TypeError: x is undefined\n +at /);
  });
});

describe('hvsim paths and file errors', () => {
  it('resolves scenario, trace, file and output paths against the folder the command was typed in', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'small.yaml'), readFileSync(SMALL));
    const io = capture(cwd);
    expect(await main(['run', 'small.yaml', '--out', 'out', '--no-charts', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join('')).outputs).toContain(join(cwd, 'out', 'metrics.json'));
    expect(readFileSync(join(cwd, 'out', 'metrics.csv'), 'utf8')).toMatch(/^time_s,/);
    expect(await main(['validate', 'small.yaml'], capture(cwd))).toBe(0);
    writeFileSync(join(cwd, 'image'), Buffer.alloc(8192));
    expect(await main(['dedup', 'image', '--json'], capture(cwd))).toBe(0);
    writeFileSync(join(cwd, 'trace.lackey'), ' L 1000,8\n L 2000,8\n');
    expect(await main(['mrc', 'trace.lackey', '--chart', 'curve.svg'], capture(cwd))).toBe(0);
    expect(readFileSync(join(cwd, 'curve.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses an --out that is a file before simulating, naming the flag, the path and why', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'taken'), 'x');
    // The small scenario for an hour: simulating it first would outlast the test's timeout.
    writeFileSync(
      join(cwd, 'long.yaml'),
      readFileSync(SMALL, 'utf8').replace('duration: 60ms', 'duration: 1h'),
    );
    await expect(main(['run', 'long.yaml', '--out', 'taken'], capture(cwd))).rejects.toThrow(
      new HvsimError(
        'unwritable-output',
        `cannot write to ${join(cwd, 'taken')}: it is a file, not a folder`,
        '--out',
      ),
    );
  }, 10_000);

  it.runIf(existsSync('/proc/self'))(
    'refuses at once an --out the system will not create',
    async () => {
      await expect(main(['run', SMALL, '--out', '/proc/hvsim-run'], capture())).rejects.toThrow(
        '--out: cannot write to /proc/hvsim-run: no folder can be created there',
      );
    },
    10_000,
  );

  it("writes a scenario's outputs.dir next to the file, and validate checks it without creating it", async () => {
    const cwd = tmp();
    const scenarios = join(cwd, 'scenarios');
    mkdirSync(scenarios);
    const withDir = (dir: string) =>
      `${readFileSync(SMALL, 'utf8')}\noutputs: { dir: ${dir}, charts: false }\n`;
    writeFileSync(join(scenarios, 'small.yaml'), withDir('results'));
    expect(await main(['validate', 'scenarios/small.yaml'], capture(cwd))).toBe(0);
    expect(existsSync(join(scenarios, 'results'))).toBe(false);
    expect(await main(['run', 'scenarios/small.yaml', '--json'], capture(cwd))).toBe(0);
    expect(existsSync(join(scenarios, 'results', 'metrics.json'))).toBe(true);

    writeFileSync(join(scenarios, 'taken'), 'x');
    writeFileSync(join(scenarios, 'blocked.yaml'), withDir('taken/results'));
    await expect(main(['validate', 'scenarios/blocked.yaml'], capture(cwd))).rejects.toThrow(
      `outputs.dir: cannot write to ${join(scenarios, 'taken', 'results')}: ${join(scenarios, 'taken')} is a file, not a folder`,
    );
  });

  it('says why a scenario cannot be read, in words', async () => {
    const cwd = tmp();
    await expect(main(['run', 'missing.yaml'], capture(cwd))).rejects.toThrow(
      `${join(cwd, 'missing.yaml')}: cannot read the scenario file: no such file or folder`,
    );
    await expect(main(['validate', '.'], capture(cwd))).rejects.toThrow(
      `${cwd}: cannot read the scenario file: it is a folder, not a file`,
    );
  });

  it('prints the version of the CLI package', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout.join('')).toBe(`${version}\n`);
  });
});

// Each test starts Node, which loads the CLI's sources through tsx before it reads a flag: 1–2 s alone, several
// times that beside another suite on a busy machine.
describe('the hvsim command', { timeout: 30_000 }, () => {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  /** Runs main.ts from the sources in a process of its own, from the repository's root as npm scripts do. */
  const hvsim = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [...HVSIM, ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('prints a user error without a stack trace and exits 2', () => {
    const result = hvsim(['validate', BROKEN]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^hvsim: .*broken\.yaml: a problem:\n {2}host\.memory: expected a size/);
    expect(result.stderr).not.toMatch(/ at /);
  });

  it('exits 2 before simulating when a VM would be refused and the scenario does not expect it', () => {
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const out = tmp();
    const result = spawnSync(process.execPath, [...HVSIM, 'run', unexpectedRefusal(), '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`a problem:\n  vms[1]: ${BATCH_REFUSED}`);
    expect(readdirSync(out)).toEqual([]); // nothing simulated, nothing written
  });

  it('reads paths from where `npm run hvsim` was typed (INIT_CWD), not the repository root', () => {
    const result = hvsim(['validate', 'small.yaml'], { INIT_CWD: join(FIXTURES) });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^small\.yaml: valid — 2 VMs/);
  });
});
