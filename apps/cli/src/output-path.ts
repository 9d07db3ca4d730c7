import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { HvsimError } from '@hvsim/spec';

/**
 * Throws an HvsimError naming `flag` unless a file can be written at `path`: its folder exists and is a
 * writable folder, and the path is not a folder or a read-only file. Checked before the long work that
 * produces the file, so a typo in an output path fails at once rather than after it.
 */
export function checkWritableFile(path: string, flag: string): void {
  const unwritable = (cause: string) =>
    new HvsimError('unwritable-output', `cannot write ${path}: ${cause}`, flag);
  const file = stat(path);
  if (typeof file !== 'string' && file.isDirectory()) throw unwritable('it is a folder');
  const folder = dirname(path);
  const parent = stat(folder);
  if (parent === 'ENOENT' || parent === 'ENOTDIR') throw unwritable(`the folder ${folder} does not exist`);
  if (typeof parent === 'string') throw unwritable(`cannot reach the folder ${folder} (${parent})`);
  if (!parent.isDirectory()) throw unwritable(`${folder} is not a folder`);
  const exists = typeof file !== 'string';
  try {
    accessSync(exists ? path : folder, constants.W_OK);
  } catch {
    throw unwritable(exists ? 'the file is read-only' : `the folder ${folder} is not writable`);
  }
}

/** The path's stats, or the error code that kept them from us. */
function stat(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}
