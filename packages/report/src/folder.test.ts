import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolder } from './folder';

describe('makeFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'hvsim-folder-'));

  it('creates a folder with its missing parents, and accepts one that exists', () => {
    const dir = join(root, 'a', 'b', 'c');
    makeFolder(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    makeFolder(dir);
    makeFolder(root);
  });

  it('throws the system error when a part of the path is a file', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(() => makeFolder(join(file, 'below', 'deeper'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(() => makeFolder(file)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it.runIf(existsSync('/proc/self'))('throws at once where the system refuses a folder', () => {
    expect(() => makeFolder('/proc/hvsim-folder/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
