import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSweep } from '@hvsim/scenario';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SweepExecutor } from './executor';
import type { RunJob } from './run-point';
import { runSweep } from './run-sweep';
import { FileCache, scenarioFiles, travels } from './scenario-files';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hvsim-files-test-'));
  mkdirSync(join(dir, 'project', 'sweeps'), { recursive: true });
  mkdirSync(join(dir, 'project', 'traces'));
  writeFileSync(join(dir, 'project', 'traces', 't.txt'), '1\n2\n3\n');
  writeFileSync(join(dir, 'project', 'sweeps', 'plugin.mjs'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'shared.txt'), 'shared\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('scenarioFiles', () => {
  it('finds every string of the scenario that names a regular file, relative to baseDir or absolute', () => {
    const baseDir = join(dir, 'project', 'sweeps');
    const scenario = {
      name: 'plugin.mjs is a name here too',
      plugins: ['./plugin.mjs', 'some-package'],
      vms: [
        { name: 'a', workload: { kind: 'trace', format: 'txt', path: '../traces/t.txt' } },
        { name: 'b', workload: { kind: 'mine', options: { table: join(dir, 'shared.txt'), dir: '..' } } },
      ],
      host: { memory: '6MiB' },
    };
    const files = scenarioFiles(scenario, baseDir);
    expect(files.map(({ path, resolved, size }) => ({ path, resolved, size }))).toEqual([
      { path: '../traces/t.txt', resolved: join(dir, 'project', 'traces', 't.txt'), size: 6 },
      { path: './plugin.mjs', resolved: join(baseDir, 'plugin.mjs'), size: 20 },
      { path: join(dir, 'shared.txt'), resolved: join(dir, 'shared.txt'), size: 7 },
    ]);
    expect(files[0]!.sha256).toBe(sha256('1\n2\n3\n'));
  });

  it('lets relative files up to the limit travel, and names the others by their path', () => {
    const files = scenarioFiles(
      { a: '../traces/t.txt', b: join(dir, 'shared.txt') },
      join(dir, 'project', 'sweeps'),
    );
    expect(files.map((file) => travels(file))).toEqual([true, false]);
    expect(files.map((file) => travels(file, 5))).toEqual([false, false]);
  });
});

describe('FileCache', () => {
  it('lays out the files that travelled at the same relative paths, and links the others to where they were', async () => {
    const baseDir = join(dir, 'project', 'sweeps');
    const files = scenarioFiles({ trace: '../traces/t.txt', plugin: './plugin.mjs' }, baseDir);
    const contents = new Map([[sha256('1\n2\n3\n'), Buffer.from('1\n2\n3\n')]]);
    const fetched: string[] = [];
    const cache = new FileCache(join(dir, 'cache'), async (hash) => {
      fetched.push(hash);
      return contents.get(hash)!;
    });
    const travelled = new Set(['../traces/t.txt']);
    const at = await cache.baseDirOf(baseDir, files, travelled);
    expect(at.startsWith(join(dir, 'cache'))).toBe(true);
    expect(readFileSync(join(at, '../traces/t.txt'), 'utf8')).toBe('1\n2\n3\n');
    expect(readlinkSync(join(at, 'plugin.mjs'))).toBe(join(baseDir, 'plugin.mjs'));
    // The same files again: the same folder; each content fetched once.
    expect(await cache.baseDirOf(baseDir, files, travelled)).toBe(at);
    expect(fetched).toEqual([sha256('1\n2\n3\n')]);
    await cache.dispose();
  });

  it('runs a scenario that names no relative file in its own baseDir, and refuses contents that do not match', async () => {
    const cache = new FileCache(join(dir, 'cache'), async () => Buffer.from('something else'));
    const baseDir = join(dir, 'project', 'sweeps');
    expect(
      await cache.baseDirOf(baseDir, scenarioFiles({ a: join(dir, 'shared.txt') }, baseDir), new Set()),
    ).toBe(baseDir);
    const files = scenarioFiles({ trace: '../traces/t.txt' }, baseDir);
    await expect(cache.baseDirOf(baseDir, files, new Set(['../traces/t.txt']))).rejects.toThrow(
      /came back with other contents/,
    );
    await cache.dispose();
  });
});

describe("a run's hash", () => {
  /** The hashes a sweep gives its runs, from an executor that runs nothing. */
  async function hashes(): Promise<string[]> {
    const jobs: RunJob[] = [];
    const executor: SweepExecutor = {
      run: async (given) => {
        jobs.push(...given);
      },
    };
    const sweep = `name: s
scenario:
  duration: 10ms
  host: { memory: 6MiB, swap: 16MiB }
  vms:
    - { name: a, memory: 4MiB, workload: { kind: trace, format: txt, path: ../traces/t.txt } }
matrix: { host.memory: [6MiB, 8MiB] }
`;
    const baseDir = join(dir, 'project', 'sweeps');
    const plan = await parseSweep(sweep, join(baseDir, 'sweep.yaml'), baseDir);
    await runSweep(plan, { out: join(dir, 'out'), executor, version: 'test' });
    return jobs.map((job) => job.hash);
  }

  it('covers the contents of the files the scenario names: a changed trace is another run', async () => {
    const before = await hashes();
    expect(await hashes()).toEqual(before);
    writeFileSync(join(dir, 'project', 'traces', 't.txt'), '1\n2\n4\n');
    const after = await hashes();
    expect(after).toHaveLength(2);
    expect(after.filter((hash) => before.includes(hash))).toEqual([]);
  });
});
