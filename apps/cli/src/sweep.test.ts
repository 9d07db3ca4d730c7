import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from './cli';
import { capture, HVSIM, REPO, SMALL, tmpDir } from './test-support';

/** A sweep of the CLI's small scenario in a folder of its own, with `extra` lines added. */
function sweepFile(extra = '', seeds = '[1, 2]'): { dir: string; file: string } {
  const dir = tmpDir('hvsim-sweep-cli-');
  writeFileSync(join(dir, 'host.yaml'), readFileSync(SMALL, 'utf8'));
  const file = join(dir, 'study.yaml');
  writeFileSync(
    file,
    `name: small study
scenario: ./host.yaml
matrix:
  host.memory: [6MiB, 10MiB]
seeds: ${seeds}
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

  test('on Ctrl-C, stops, keeps and writes what finished, exits 130; run again, runs only the rest', async () => {
    const { dir } = sweepFile('', '[1, 2, 3, 4, 5, 6]');
    // Runs of half a second or so each, one at a time: the interrupt comes while most have not finished.
    writeFileSync(
      join(dir, 'host.yaml'),
      readFileSync(SMALL, 'utf8').replace('duration: 60ms', 'duration: 500ms'),
    );
    const runs = join(dir, 'out', 'runs');
    const child = spawn(
      process.execPath,
      [...HVSIM, 'sweep', 'study.yaml'].concat(['--out', 'out', '--jobs', '1', '-q']),
      { cwd: REPO, env: { ...process.env, INIT_CWD: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => {
      const poll = setInterval(() => {
        if (existsSync(runs) && readdirSync(runs).some((f) => f.endsWith('.json'))) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 50);
      child.on('exit', (status) => {
        clearInterval(poll);
        done(status);
      });
    });
    expect(code).toBe(130);
    const kept = readdirSync(runs).filter((f) => f.endsWith('.json')).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(12);
    expect(stdout).toContain(`stopped: ${kept} of 12 runs finished and kept`);
    expect(
      readFileSync(join(dir, 'out', 'results.csv'), 'utf8')
        .trimEnd()
        .split('\n'),
    ).toHaveLength(kept + 1);
    const again = capture(dir);
    expect(await main(['sweep', 'study.yaml', '--out', 'out', '--json'], again)).toBe(0);
    expect(JSON.parse(again.stdout.join('')).progress).toEqual({
      total: 12,
      done: 12,
      failed: 0,
      skipped: kept,
    });
  }, 120_000);

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
