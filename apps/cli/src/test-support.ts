import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from './cli';

/** The repository's root, for the files tests read from other packages and from `scenarios/`. */
export const REPO = join(import.meta.dirname, '..', '..', '..');
/** The CLI's scenario fixtures. */
export const FIXTURES = join(import.meta.dirname, 'fixtures');
/** The CLI's small scenario: 60 ms of two VMs. */
export const SMALL = join(FIXTURES, 'small.yaml');
/** Small traces of every format, from the workloads package. */
export const TRACES = join(REPO, 'packages', 'workloads', 'src', 'traces', 'fixtures');

/** Node's arguments that run `hvsim` from the sources in a process of its own: `[...HVSIM, 'run', …]`. */
export const HVSIM = ['--conditions=@hvsim/source', '--import', 'tsx', join(import.meta.dirname, 'main.ts')];

/** An Io that keeps what the CLI writes, with relative paths starting at `cwd` when one is given. */
export function capture(cwd?: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    tty: false,
    ...(cwd === undefined ? {} : { cwd }),
  };
}

/** A new temporary folder whose name starts with `prefix`. */
export const tmpDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** A copy of scenario `source` with `from` replaced by `to`, as `name` in a temporary folder of its own. */
export function scenarioVariant(source: string, from: string, to: string, name: string): string {
  const file = join(tmpDir('hvsim-variant-'), name);
  writeFileSync(file, readFileSync(source, 'utf8').replace(from, to));
  return file;
}
