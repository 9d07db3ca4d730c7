import { join } from 'node:path';
import type { Io } from './cli';

/** The repository's root, for the files tests read from other packages and from `scenarios/`. */
export const REPO = join(import.meta.dirname, '..', '..', '..');
/** The CLI's scenario fixtures. */
export const FIXTURES = join(import.meta.dirname, 'fixtures');
/** Small traces of every format, from the workloads package. */
export const TRACES = join(REPO, 'packages', 'workloads', 'src', 'traces', 'fixtures');

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
