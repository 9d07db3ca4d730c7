import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PAGE_SIZE } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { capture, HVSIM, tmpDir } from './test-support';

// What `hvsim dedup` finds is tested with the analysis, in @hvsim/images; here, what the command prints.

/** A file of `parts`, in a temporary folder of its own; its path. */
function file(...parts: Uint8Array[]): string {
  const path = join(tmpDir('hvsim-dedup-'), 'image');
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** A page of content `id` (0 to 255): every byte `id`, so 0 is the zero page. */
const page = (id: number) => Buffer.alloc(PAGE_SIZE, id);

const pages = (...ids: number[]) => Buffer.concat(ids.map(page));

describe('hvsim dedup', () => {
  it('prints the report as JSON, exactly in its documented shape', async () => {
    const a = file(pages(1, 0, 2));
    const b = file(pages(1, 3), Buffer.from('x'));
    const io = capture();
    expect(await main(['dedup', a, b, '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual({
      files: [
        { path: a, pages: 3, zeroPages: 1, sharedPages: 1, reclaimedPages: 0 },
        { path: b, pages: 3, zeroPages: 0, sharedPages: 1, reclaimedPages: 1 },
      ],
      total: { pages: 6, zeroPages: 1, sharedPages: 2, reclaimedPages: 1 },
    });
  });

  it('prints a table with a total row and what sharing would give back', async () => {
    const io = capture();
    await main(['dedup', file(pages(1, 2, 1, 1))], io);
    const text = io.stdout.join('');
    expect(text).toMatch(/^file +pages +zero pages +shared pages +reclaimed pages\n/);
    expect(text).toMatch(/\ntotal +4 +0 +3 +2\n/);
    expect(text).toMatch(
      /sharing would reclaim 8 KiB of 16 KiB \(50%\): all the pages fit in 8 KiB of frames\n$/,
    );
  });

  // In a process of its own: Node loads the CLI's sources through tsx first, 1–2 s alone, several times that
  // beside another suite on a busy machine.
  it('fails on a missing file with its path, a non-zero exit and nothing on stdout', () => {
    const missing = join(tmpDir('hvsim-dedup-'), 'no-such-image');
    const result = spawnSync(process.execPath, [...HVSIM, 'dedup', file(page(1)), missing], {
      cwd: resolve(import.meta.dirname, '..', '..', '..'),
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `hvsim: ${missing}: no such file: expected the path of a file or disk image\n`,
    );
  }, 30_000);
});
