import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolder } from '@hvsim/report';
import { describeIoError, HvsimError } from '@hvsim/spec';

/**
 * Where the CLI will write, checked before any work starts, so a bad `--out` or `--chart` costs the user
 * nothing: the error names the flag, the path and why in words.
 */

const cannotWrite = (flag: string, path: string, why: string) =>
  new HvsimError('unwritable-output', `cannot write to ${path}: ${why}`, flag);

/** The path's stats, undefined if nothing is there, or an error saying why it cannot be looked at. */
function statOf(path: string, flag: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a parent is a file, which the caller's check of the parent names.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw cannotWrite(flag, path, describeIoError(error));
  }
}

function checkWritable(path: string, flag: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    throw cannotWrite(flag, path, describeIoError(error));
  }
}

/**
 * Makes sure the folder `path` exists (creating it and its parents) and can be written into. With
 * `create: false` nothing is made: the folder, or the nearest folder above it that exists, must be writable.
 */
export function checkWritableDir(path: string, flag: string, { create = true } = {}): void {
  const stats = statOf(path, flag);
  if (stats && !stats.isDirectory()) throw cannotWrite(flag, path, 'it is a file, not a folder');
  if (stats) {
    checkWritable(path, flag);
    return;
  }
  if (!create) {
    let above = dirname(path);
    let found = statOf(above, flag);
    while (!found && dirname(above) !== above) {
      above = dirname(above);
      found = statOf(above, flag);
    }
    if (found && !found.isDirectory()) throw cannotWrite(flag, path, `${above} is a file, not a folder`);
    checkWritable(above, flag);
    return;
  }
  try {
    makeFolder(path);
  } catch (error) {
    // A folder the system refuses although its parent exists (e.g. under /proc) answers ENOENT.
    const code = (error as NodeJS.ErrnoException).code;
    throw cannotWrite(
      flag,
      path,
      code === 'ENOENT' ? 'no folder can be created there' : describeIoError(error),
    );
  }
}

/** Makes sure the file `path` can be written: its folder exists and is writable, and it is not a folder. */
export function checkWritableFile(path: string, flag: string): void {
  const stats = statOf(path, flag);
  if (stats?.isDirectory()) throw cannotWrite(flag, path, 'it is a folder, not a file');
  if (stats) {
    checkWritable(path, flag);
    return;
  }
  const parent = dirname(path);
  const folder = statOf(parent, flag);
  if (!folder) throw cannotWrite(flag, path, `the folder ${parent} does not exist`);
  if (!folder.isDirectory()) throw cannotWrite(flag, path, `${parent} is a file, not a folder`);
  checkWritable(parent, flag);
}
