import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeIoError } from './errors';

const failure = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to fail');
};

describe('describeIoError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvsim-spec-'));
  const file = join(dir, 'file');
  writeFileSync(file, 'x');

  test('puts the errno codes of real failures into words', () => {
    expect(describeIoError(failure(() => readFileSync(join(dir, 'missing'))))).toBe('no such file or folder');
    expect(describeIoError(failure(() => readFileSync(join(file, 'below'))))).toBe(
      'a part of the path is a file, not a folder',
    );
    expect(describeIoError(failure(() => readFileSync(dir)))).toBe('it is a folder, not a file');
  });

  test('names every code a user can cause without the code itself', () => {
    for (const code of ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EEXIST']) {
      const words = describeIoError(Object.assign(new Error(`${code}: raw`), { code }));
      expect(words).not.toMatch(/E[A-Z]+|raw/);
    }
    expect(describeIoError(Object.assign(new Error('EACCES: x'), { code: 'EACCES' }))).toBe(
      'permission denied',
    );
  });

  test('falls back to the message of an error without a known code', () => {
    expect(describeIoError(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))).toBe(
      'EIO: i/o error, read',
    );
    expect(describeIoError('odd')).toBe('odd');
  });
});
