import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvsimError } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { checkWritableFile } from './output-path';

const dir = mkdtempSync(join(tmpdir(), 'hvsim-output-'));
// root may write anywhere, so read-only files and folders only refuse an ordinary user.
const root = process.getuid?.() === 0;

describe('checkWritableFile', () => {
  it('accepts a new file in a folder, and an existing file', () => {
    const file = join(dir, 'exists.svg');
    writeFileSync(file, '');
    expect(() => checkWritableFile(join(dir, 'new.svg'), '--chart')).not.toThrow();
    expect(() => checkWritableFile(file, '--chart')).not.toThrow();
    expect(() => checkWritableFile('relative.svg', '--chart')).not.toThrow();
  });

  it.each([
    ['a missing folder', '/nonexistent/dir/x.svg', 'the folder /nonexistent/dir does not exist'],
    [
      'a folder under a file',
      join(dir, 'plain', 'sub', 'x.svg'),
      `the folder ${join(dir, 'plain', 'sub')} does not exist`,
    ],
    ['a file for a folder', join(dir, 'plain', 'x.svg'), `${join(dir, 'plain')} is not a folder`],
    ['a folder for the file', join(dir, 'folder.svg'), 'it is a folder'],
  ])('says what is wrong with %s, naming the flag and the path', (_, path, cause) => {
    writeFileSync(join(dir, 'plain'), '');
    mkdirSync(join(dir, 'folder.svg'), { recursive: true });
    let error: unknown;
    try {
      checkWritableFile(path, '--chart');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as Error).message).toBe(`--chart: cannot write ${path}: ${cause}`);
  });

  it.skipIf(root)('refuses a read-only file and a read-only folder', () => {
    const file = join(dir, 'read-only.svg');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    expect(() => checkWritableFile(file, '--chart')).toThrow(`cannot write ${file}: the file is read-only`);
    const folder = join(dir, 'read-only');
    mkdirSync(folder, { mode: 0o555 });
    expect(() => checkWritableFile(join(folder, 'x.svg'), '--chart')).toThrow(
      `the folder ${folder} is not writable`,
    );
  });
});
