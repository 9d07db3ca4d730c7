import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from './cli';
import { capture, SMALL, tmpDir } from './test-support';

/** A sweep of the CLI's small scenario in a folder of its own, with `extra` lines added. */
function sweepFile(extra = ''): { dir: string; file: string } {
  const dir = tmpDir('hvsim-sweep-cli-');
  writeFileSync(join(dir, 'host.yaml'), readFileSync(SMALL, 'utf8'));
  const file = join(dir, 'study.yaml');
  writeFileSync(
    file,
    `name: small study
scenario: ./host.yaml
matrix:
  host.memory: [6MiB, 10MiB]
seeds: [1, 2]
metrics:
  throughput: vms[*].throughput | sum
${extra}`,
  );
  return { dir, file };
}

describe('hvsim sweep', () => {
  test('runs every point per seed, prints the means, writes the results, and resumes', async () => {
    const { dir } = sweepFile();
    const io = capture(dir);
    expect(await main(['sweep', 'study.yaml', '--jobs', '2'], io)).toBe(0);
    const text = io.stdout.join('');
    expect(text).toMatch(/^small study\n/);
    expect(text).toMatch(/host\.memory\s+runs\s+throughput/);
    expect(text).toContain('4 runs: 4 finished, 0 failed, 0 done before');
    const out = join(dir, 'hvsim-sweep', 'study');
    for (const name of [
      'results.csv',
      'results.json',
      'summary.csv',
      'sweep.yaml',
      'chart.svg',
      'chart.png',
    ]) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    const again = capture(dir);
    expect(await main(['sweep', 'study.yaml', '--json'], again)).toBe(0);
    const json = JSON.parse(again.stdout.join('')) as {
      progress: unknown;
      complete: boolean;
      points: unknown[];
    };
    expect(json.progress).toEqual({ total: 4, done: 4, failed: 0, skipped: 4 });
    expect(json.complete).toBe(true);
    expect(json.points).toHaveLength(2);
  }, 60_000);

  test('exits 1 and names the run when a run fails for its own reason', async () => {
    const { dir } = sweepFile();
    // Without guest swap, a zipf working set past the VM's memory runs its guest out of memory.
    writeFileSync(
      join(dir, 'host.yaml'),
      readFileSync(SMALL, 'utf8').replace(
        'guest: { kind: linux, bootTime: 5ms }\n    workload: { kind: zipf, pages: 0.8 }',
        'guest: { kind: linux, bootTime: 5ms, swap: 0MiB }\n    workload: { kind: zipf, pages: 7MiB }',
      ),
    );
    const io = capture(dir);
    expect(await main(['sweep', 'study.yaml', '-q', '--out', 'out'], io)).toBe(1);
    expect(io.stdout.join('')).toMatch(
      /2 failed[\s\S]*failed at host\.memory=10MiB, seed 1: .*found no page to reclaim/,
    );
  }, 60_000);

  test('refuses a bad flag or sweep before writing anything', async () => {
    const { dir } = sweepFile('exclude: [{ host.memory: 7MiB }]\n');
    await expect(main(['sweep', 'study.yaml', '--jobs', 'two'], capture(dir))).rejects.toThrow(
      '--jobs: expected a whole number of threads from 1, got "two"',
    );
    await expect(main(['sweep', 'study.yaml', '--scale', '0'], capture(dir))).rejects.toThrow('--scale');
    await expect(main(['sweep', 'study.yaml'], capture(dir))).rejects.toThrow(
      'exclude[0]["host.memory"]: expected one of its values ("6MiB", "10MiB"), got "7MiB"',
    );
    await expect(main(['sweep', 'study.yaml', '--jbos', '2'], capture(dir))).resolves.toBe(1);
    expect(existsSync(join(dir, 'hvsim-sweep'))).toBe(false);
  });

  test('prints the JSON Schema of sweep files', async () => {
    const io = capture();
    expect(await main(['schema', '--sweep'], io)).toBe(0);
    const schema = JSON.parse(io.stdout.join('')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['scenario', 'matrix', 'variants', 'seeds', 'exclude', 'metrics', 'chart']),
    );
  });
});
