import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates the folder `dir` and its missing parents, one level at a time, and throws the system error of the
 * level that cannot be made (ENOTDIR if `dir` is a file). Node's `mkdir(dir, { recursive: true })` is not used: where a folder cannot be
 * made although its parent exists (e.g. under `/proc`, which answers ENOENT), it retries forever.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let path = resolve(dir); !existsSync(path); path = dirname(path)) missing.unshift(path);
  if (missing.length === 0 && !statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' });
  }
  for (const path of missing) mkdirSync(path);
}
