import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvsimError } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { checkWritableDir, checkWritableFile } from './output-path';

const root = mkdtempSync(join(tmpdir(), 'hvsim-output-'));
const file = join(root, 'a-file');
writeFileSync(file, 'x');
const asUser = typeof process.getuid === 'function' && process.getuid() !== 0;

/** The message of the HvsimError `check` throws. */
function refusal(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(HvsimError);
    return (error as HvsimError).message;
  }
  throw new Error('expected the check to refuse');
}

describe('checkWritableDir', () => {
  it('creates a missing folder with its parents, and accepts an existing one', () => {
    const dir = join(root, 'out', 'nested');
    checkWritableDir(dir, '--out');
    expect(statSync(dir).isDirectory()).toBe(true);
    checkWritableDir(dir, '--out');
  });

  it('refuses a file, or a path through a file, naming the flag and the path', () => {
    expect(refusal(() => checkWritableDir(file, '--out'))).toBe(
      `--out: cannot write to ${file}: it is a file, not a folder`,
    );
    expect(refusal(() => checkWritableDir(join(file, 'run'), '--out'))).toBe(
      `--out: cannot write to ${join(file, 'run')}: a part of the path is a file, not a folder`,
    );
  });

  it.runIf(existsSync('/proc/self'))('refuses at once a folder the system will not create', () => {
    expect(refusal(() => checkWritableDir('/proc/hvsim-out', '--out'))).toBe(
      '--out: cannot write to /proc/hvsim-out: no folder can be created there',
    );
  });

  it.runIf(asUser)('refuses a folder without write permission', () => {
    const locked = join(root, 'locked-dir');
    mkdirSync(locked, { mode: 0o555 });
    expect(refusal(() => checkWritableDir(locked, '--out'))).toMatch(/: permission denied$/);
    expect(refusal(() => checkWritableDir(join(locked, 'new'), '--out'))).toMatch(/: permission denied$/);
  });
});

describe('checkWritableFile', () => {
  it('accepts a new file in an existing folder, or an existing file, and creates nothing', () => {
    const chart = join(root, 'chart.svg');
    checkWritableFile(chart, '--chart');
    expect(existsSync(chart)).toBe(false);
    checkWritableFile(file, '--chart');
  });

  it('refuses a folder, a missing folder and a path through a file', () => {
    expect(refusal(() => checkWritableFile(root, '--chart'))).toBe(
      `--chart: cannot write to ${root}: it is a folder, not a file`,
    );
    const lost = join(root, 'missing', 'chart.svg');
    expect(refusal(() => checkWritableFile(lost, '--chart'))).toBe(
      `--chart: cannot write to ${lost}: the folder ${join(root, 'missing')} does not exist`,
    );
    expect(refusal(() => checkWritableFile(join(file, 'chart.svg'), '--chart'))).toBe(
      `--chart: cannot write to ${join(file, 'chart.svg')}: ${file} is a file, not a folder`,
    );
  });

  it.runIf(asUser)('refuses a folder or a file without write permission', () => {
    const locked = join(root, 'locked-file-dir');
    mkdirSync(locked);
    const readOnly = join(locked, 'read-only.svg');
    writeFileSync(readOnly, 'x');
    chmodSync(readOnly, 0o444);
    chmodSync(locked, 0o555);
    expect(refusal(() => checkWritableFile(join(locked, 'new.svg'), '--chart'))).toMatch(
      /: permission denied$/,
    );
    expect(refusal(() => checkWritableFile(readOnly, '--chart'))).toMatch(/: permission denied$/);
  });
});
