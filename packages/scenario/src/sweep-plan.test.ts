import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { ScenarioError } from './scenario-error';
import { expandMatrix, loadSweep, parseSweep } from './sweep-plan';

const SCENARIO = {
  name: 'two vms',
  duration: '50ms',
  host: { memory: '12MiB', swap: '1GiB' },
  vms: [
    {
      name: 'web',
      memory: '4MiB',
      guest: { kind: 'linux', bootTime: '5ms' },
      workload: { kind: 'zipf', pages: 0.8 },
    },
    {
      name: 'db',
      memory: '4MiB',
      guest: { kind: 'linux', bootTime: '5ms' },
      workload: { kind: 'uniform', pages: 0.5 },
    },
  ],
};

const sweep = (fields: Record<string, unknown>) =>
  stringify({
    name: 'test sweep',
    scenario: SCENARIO,
    matrix: { 'host.memory': ['12MiB', '8MiB'] },
    ...fields,
  });

const plan = (fields: Record<string, unknown>) => parseSweep(sweep(fields), 'sweep.yaml', '/nowhere');

/** The issues a bad sweep is refused with, as `path: message`. */
async function issues(fields: Record<string, unknown>): Promise<string[]> {
  try {
    await plan(fields);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the sweep to be refused');
}

describe('planning a sweep', () => {
  test('makes every combination, the first path varying slowest, with its values written in', async () => {
    const p = await plan({
      matrix: {
        'host.memory': ['12MiB', '8MiB'],
        'policies.stack': ['esx', 'cmm1'],
        'vms[web].count': [1, 2],
      },
      seeds: [1, 2],
    });
    expect(p.axes).toEqual(['host.memory', 'policies.stack', 'vms[web].count']);
    expect(p.points.map((point) => Object.values(point.values).join(' '))).toEqual([
      '12MiB esx 1',
      '12MiB esx 2',
      '12MiB cmm1 1',
      '12MiB cmm1 2',
      '8MiB esx 1',
      '8MiB esx 2',
      '8MiB cmm1 1',
      '8MiB cmm1 2',
    ]);
    const last = p.points.at(-1)!;
    expect(last.scenario['host']).toEqual({ memory: '8MiB', swap: '1GiB' });
    expect(last.scenario['policies']).toEqual({ stack: 'cmm1' });
    expect(last.loaded.host.vms.map((vm) => vm.name)).toEqual(['web1', 'web2', 'db']);
    expect(p.seeds).toEqual([1, 2]);
  });

  test('leaves out the combinations an exclusion matches in every path it names', async () => {
    const p = await plan({
      matrix: { 'host.memory': ['12MiB', '8MiB'], 'policies.stack': ['esx', 'cmm1'] },
      exclude: [{ 'policies.stack': 'cmm1', 'host.memory': '12MiB' }],
    });
    expect(p.points.map((point) => Object.values(point.values).join(' '))).toEqual([
      '12MiB esx',
      '8MiB esx',
      '8MiB cmm1',
    ]);
  });

  test('counts out a range, past float error, and writes the scale into every point', async () => {
    const p = await plan({
      matrix: { 'vms[web].workload.pages': { from: 0.1, to: 0.5, step: 0.1 } },
      scale: 2,
    });
    expect(p.points.map((point) => point.values['vms[web].workload.pages'])).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
    expect(p.points.every((point) => point.scenario['scale'] === 2)).toBe(true);
    expect(p.sweep.matrix['vms[web].workload.pages']).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    const overridden = await parseSweep(sweep({ scale: 2 }), 'sweep.yaml', '/nowhere', { scale: 4 });
    expect(overridden.points[0]!.scenario['scale']).toBe(4);
    expect(overridden.sweep.scale).toBe(4);
  });

  test('varies named variants, each setting several paths, after the matrix, in exclusions and charts', async () => {
    const p = await plan({
      matrix: { 'host.memory': ['12MiB', '8MiB'] },
      variants: {
        policy: {
          'host paging': { 'policies.stack': 'none' },
          CMM2: { 'policies.stack': 'none', 'vms[*].guest.pageHints': true },
          ESX: { 'policies.stack': 'esx', 'host.memory': '16MiB' },
        },
      },
      exclude: [{ policy: 'CMM2', 'host.memory': '8MiB' }],
      chart: { x: 'host.memory', y: 'ops', color: 'policy' },
    });
    expect(p.axes).toEqual(['host.memory', 'policy']);
    expect(p.levels['policy']).toEqual(['host paging', 'CMM2', 'ESX']);
    expect(p.points.map((point) => Object.values(point.values).join(' / '))).toEqual([
      '12MiB / host paging',
      '12MiB / CMM2',
      '12MiB / ESX',
      '8MiB / host paging',
      '8MiB / ESX',
    ]);
    const cmm2 = p.points[1]!.scenario as { policies: unknown; vms: { guest: { pageHints: boolean } }[] };
    expect(cmm2.policies).toEqual({ stack: 'none' });
    expect(cmm2.vms.map((vm) => vm.guest.pageHints)).toEqual([true, true]);
    // A variant's paths are written after the matrix's.
    expect(p.points[4]!.scenario['host']).toMatchObject({ memory: '16MiB' });
  });

  test('refuses variants that clash with the matrix, lead nowhere or are empty', async () => {
    expect(await issues({ variants: { 'host.memory': { a: { seed: 2 } } } })).toEqual([
      'variants["host.memory"]: expected a name apart from the matrix\'s paths',
    ]);
    expect(await issues({ variants: { policy: {} } })).toEqual([
      'variants.policy: expected at least one variant',
    ]);
    expect(await issues({ variants: { policy: { ESX: { 'vms[mail].count': 2 } } } })).toEqual([
      'variants["policy"]["ESX"]["vms[mail].count"]: vms has no item named "mail" (names: web, db) (at host.memory="12MiB", policy="ESX")',
    ]);
  });

  test('refuses an empty matrix, an empty list and a backwards range, by path', async () => {
    expect(await issues({ matrix: {} })).toEqual([
      'matrix: expected at least one path to vary, such as host.memory: [1GiB, 512MiB] (or variants)',
    ]);
    expect(await issues({ matrix: { 'host.memory': [] } })).toEqual([
      'matrix["host.memory"]: expected at least one value',
    ]);
    expect((await issues({ matrix: { 'host.memory': { from: 2, to: 1, step: 1 } } }))[0]).toContain(
      'expected `to` at least `from`',
    );
  });

  test('refuses paths that lead nowhere, naming the path and the point', async () => {
    expect(await issues({ matrix: { 'vms[mail].count': [1, 2] } })).toEqual([
      'matrix["vms[mail].count"]: vms has no item named "mail" (names: web, db) (at vms[mail].count=1)',
    ]);
    const typo = await issues({ matrix: { 'host.memroy': ['1GiB'] } });
    expect(typo).toHaveLength(1);
    expect(typo[0]).toMatch(/^host\.memroy: .*memroy.*\(at host\.memroy="1GiB"\)$/);
  });

  test('refuses values that make an invalid scenario, once per problem, at the first point with it', async () => {
    const found = await issues({
      matrix: { 'host.memory': ['12MiB', 'lots'], 'policies.stack': ['esx', 'vmware'] },
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^policies\.stack: .*\(at host\.memory="12MiB", policies\.stack="vmware"\)$/);
    expect(found[1]).toMatch(
      /^host\.memory: expected a size.*"lots".*\(at host\.memory="lots", policies\.stack="esx"\)$/,
    );
  });

  test('refuses exclusions and charts that name no matrix path or value', async () => {
    expect(await issues({ exclude: [{ 'host.swap': '1GiB' }, { 'host.memory': '3MiB' }] })).toEqual([
      'exclude[0]["host.swap"]: expected a matrix path or variant axis (host.memory)',
      'exclude[1]["host.memory"]: expected one of its values ("12MiB", "8MiB"), got "3MiB"',
    ]);
    expect(await issues({ exclude: [{ 'host.memory': '12MiB' }, { 'host.memory': '8MiB' }] })).toEqual([
      'exclude: expected some combination left to run; every one is excluded',
    ]);
    expect(await issues({ chart: { x: 'policies.stack', y: 'ops' } })).toEqual([
      'chart.x: expected a matrix path or variant axis (host.memory), got "policies.stack"',
    ]);
  });

  test('refuses unknown fields, repeated seeds and a missing scenario file', async () => {
    expect(await issues({ seed: [1] })).toEqual([
      'seed: the sweep file has no field "seed"; did you mean "seeds"?',
    ]);
    expect(await issues({ seeds: [1, 1] })).toEqual(['seeds: expected each seed once']);
    await expect(parseSweep(sweep({ scenario: './none.yaml' }), 'sweep.yaml', '/nowhere')).rejects.toThrow(
      'cannot read the scenario file',
    );
  });

  test('reads its scenario relative to the sweep file, and starts the scenario paths at its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hvsim-sweep-'));
    writeFileSync(join(dir, 'host.yaml'), stringify(SCENARIO));
    writeFileSync(join(dir, 'sweep.yaml'), sweep({ scenario: './host.yaml' }));
    const p = await loadSweep(join(dir, 'sweep.yaml'));
    expect(p.baseDir).toBe(dir);
    expect(p.sweep.scenario).toEqual(SCENARIO);
    expect(p.points).toHaveLength(2);
  });

  const values = fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
  property.prop([fc.array(values, { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat()], { numRuns: 30 })(
    'makes every combination no exclusion matches exactly once',
    async (lists, pick, which) => {
      const paths = ['vms[web].count', 'vms[db].count', 'host.metricInterval'].slice(0, lists.length);
      const matrix = Object.fromEntries(
        paths.map((p, i) => [p, p === 'host.metricInterval' ? lists[i]!.map((v) => `${v}0ms`) : lists[i]!]),
      );
      const excludedPath = paths[which % paths.length]!;
      const excludedValue = matrix[excludedPath]![pick % matrix[excludedPath]!.length];
      const all = lists.reduce((n, list) => n * list.length, 1);
      const kept = all - all / matrix[excludedPath]!.length;
      const exclude = [{ [excludedPath]: excludedValue }];
      if (kept === 0) {
        await expect(plan({ matrix, exclude })).rejects.toThrow('every one is excluded');
        return;
      }
      const p = await plan({ matrix, exclude });
      const keys = p.points.map((point) => JSON.stringify(point.values));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(kept);
      expect(p.points.every((point) => point.values[excludedPath] !== excludedValue)).toBe(true);
    },
  );

  test('expands a range to at most a whole number of steps', () => {
    expect(expandMatrix({ x: { from: 1, to: 2, step: 0.3 } })).toEqual({ x: [1, 1.3, 1.6, 1.9] });
    expect(expandMatrix({ x: [3, 'a'] })).toEqual({ x: [3, 'a'] });
  });
});
