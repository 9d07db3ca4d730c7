import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import { hashPage } from '@hvsim/helpers';
import { PAGE_SIZE } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DedupCounts, type DedupOptions, type DedupReport, dedupFiles } from './dedup';

const dir = mkdtempSync(join(tmpdir(), 'hvsim-dedup-'));
let written = 0;

/** Writes `bytes` to a new file and returns its path. */
function file(...parts: Uint8Array[]): string {
  const path = join(dir, `f${written++}`);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** A page of content `id`: 0 is the zero page, any other id a page of its own, never all zeros. */
function page(id: number): Buffer {
  const bytes = Buffer.alloc(PAGE_SIZE);
  if (id !== 0) bytes.fill(id % 251).writeUInt32LE(id, PAGE_SIZE - 4);
  return bytes;
}

const pages = (...ids: number[]) => Buffer.concat(ids.map(page));

/**
 * The report by definition, with every page's bytes in memory: a content's frame is charged to its first
 * page; every other page of it is reclaimed in its own file.
 */
function expected(paths: readonly string[], files: readonly Buffer[]): DedupReport {
  const holders = new Map<string, number>();
  const cut = files.map((bytes) => {
    const padded = Buffer.alloc(Math.ceil(bytes.length / PAGE_SIZE) * PAGE_SIZE);
    bytes.copy(padded);
    const keys: string[] = [];
    for (let at = 0; at < padded.length; at += PAGE_SIZE) {
      const key = padded.toString('latin1', at, at + PAGE_SIZE);
      holders.set(key, (holders.get(key) ?? 0) + 1);
      keys.push(key);
    }
    return keys;
  });
  const charged = new Set<string>();
  const rows = cut.map((keys, f) => ({
    path: paths[f]!,
    pages: keys.length,
    zeroPages: keys.filter((k) => !/[^\0]/.test(k)).length,
    sharedPages: keys.filter((k) => holders.get(k)! > 1).length,
    reclaimedPages: keys.filter((k) => charged.has(k) || !charged.add(k)).length,
  }));
  const sum = (key: keyof DedupCounts) => rows.reduce((total, row) => total + row[key], 0);
  return {
    files: rows,
    total: {
      pages: sum('pages'),
      zeroPages: sum('zeroPages'),
      sharedPages: sum('sharedPages'),
      reclaimedPages: sum('reclaimedPages'),
    },
  };
}

/** Hashes on which every page, or every page with the same first byte, collides. */
const COLLIDING: Record<string, DedupOptions['hash']> = {
  constant: () => 0n,
  'first byte': (bytes) => BigInt(bytes[0]!),
};

describe('dedupFiles', () => {
  it('finds every page of identical files shared, and charges each frame to the first file', () => {
    const a = file(pages(1, 2, 3));
    const b = file(pages(1, 2, 3));
    expect(dedupFiles([a, b])).toEqual({
      files: [
        { path: a, pages: 3, zeroPages: 0, sharedPages: 3, reclaimedPages: 0 },
        { path: b, pages: 3, zeroPages: 0, sharedPages: 3, reclaimedPages: 3 },
      ],
      total: { pages: 6, zeroPages: 0, sharedPages: 6, reclaimedPages: 3 },
    });
  });

  it('finds nothing shared between files with different pages', () => {
    const report = dedupFiles([file(pages(1, 2)), file(pages(3, 4, 5))]);
    expect(report.total).toEqual({ pages: 5, zeroPages: 0, sharedPages: 0, reclaimedPages: 0 });
  });

  it('shares zero pages like any other content, and counts them apart as well', () => {
    const a = file(pages(0, 7, 0));
    const b = file(pages(8, 0));
    expect(dedupFiles([a, b])).toEqual({
      files: [
        { path: a, pages: 3, zeroPages: 2, sharedPages: 2, reclaimedPages: 1 },
        { path: b, pages: 2, zeroPages: 1, sharedPages: 1, reclaimedPages: 1 },
      ],
      total: { pages: 5, zeroPages: 3, sharedPages: 3, reclaimedPages: 2 },
    });
    // One zero page alone in the population shares nothing.
    expect(dedupFiles([file(pages(0, 9))]).total).toEqual({
      pages: 2,
      zeroPages: 1,
      sharedPages: 0,
      reclaimedPages: 0,
    });
  });

  it('pads a last partial page with zeros', () => {
    const tail = page(5).subarray(0, 904);
    const partial = file(page(4), tail); // 5000 bytes: 2 pages
    const padded = file(tail, Buffer.alloc(PAGE_SIZE - 904));
    const empty = file();
    expect(dedupFiles([partial, padded, empty]).files).toEqual([
      { path: partial, pages: 2, zeroPages: 0, sharedPages: 1, reclaimedPages: 0 },
      { path: padded, pages: 1, zeroPages: 0, sharedPages: 1, reclaimedPages: 1 },
      { path: empty, pages: 0, zeroPages: 0, sharedPages: 0, reclaimedPages: 0 },
    ]);
    // A short page of zeros is a zero page.
    expect(dedupFiles([file(Buffer.alloc(10))]).total.zeroPages).toBe(1);
  });

  it.each(Object.keys(COLLIDING))('never shares different pages whose hashes are equal (%s hash)', (name) => {
    const hash = COLLIDING[name]!;
    const a = file(pages(1, 252, 503, 0));
    const b = file(pages(754, 1, 0, 1005));
    // Ids 1, 252, 503, 754 and 1005 all start with byte 1: five different pages on one hash either way.
    expect(dedupFiles([a, b], { hash })).toEqual({
      files: [
        { path: a, pages: 4, zeroPages: 1, sharedPages: 2, reclaimedPages: 0 },
        { path: b, pages: 4, zeroPages: 1, sharedPages: 2, reclaimedPages: 2 },
      ],
      total: { pages: 8, zeroPages: 2, sharedPages: 4, reclaimedPages: 2 },
    });
  });

  it('streams a file larger than a chunk, comparing across chunks and cache evictions', () => {
    // 2.5 default chunks of a 600-page cycle with zero pages in it, then a partial page; a second file
    // repeats part of the first, so the compares read pages back from chunks long gone.
    const ids = Array.from({ length: 2560 }, (_, i) => (i % 7 === 3 ? 0 : 1 + (i % 600)));
    const first = Buffer.concat([pages(...ids), page(9999).subarray(0, 100)]);
    const second = Buffer.concat([pages(...ids.slice(1000, 1300)), pages(7000, 7001)]);
    const paths = [file(first), file(second)];
    const truth = expected(paths, [first, second]);
    expect(truth.files[0]!.pages).toBe(2561);
    expect(dedupFiles(paths)).toEqual(truth);
    expect(dedupFiles(paths, { chunkPages: 3, cacheBlocks: 1 })).toEqual(truth);
  });

  test.prop(
    [
      fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: PAGE_SIZE - 1 }), { minLength: 4, maxLength: 4 }),
      fc.constantFrom(...Object.keys(COLLIDING), 'xxhash64'),
      fc.integer({ min: 1, max: 5 }),
    ],
    { numRuns: 60 },
  )(
    'matches the definition, per file and in total, whatever the hash and chunking',
    (files, cuts, hashName, chunkPages) => {
      // Ids in a narrow range and a cut at any byte (a partial last page) make many equal and colliding pages.
      const contents = files.map((ids, f) =>
        pages(...ids).subarray(0, Math.max(0, ids.length * PAGE_SIZE - cuts[f]!)),
      );
      const paths = contents.map((bytes) => file(bytes));
      const hash = COLLIDING[hashName] ?? hashPage;
      const report = dedupFiles(paths, { hash, chunkPages, cacheBlocks: 2 });
      expect(report).toEqual(expected(paths, contents));
      // The total counts contents globally, and the per-file charges add up to it.
      const sum = (key: keyof DedupCounts) => report.files.reduce((total, row) => total + row[key], 0);
      for (const key of ['pages', 'zeroPages', 'sharedPages', 'reclaimedPages'] as const) {
        expect(sum(key)).toBe(report.total[key]);
      }
    },
  );

  it('names the argument at fault', () => {
    expect(() => dedupFiles([file(page(1)), join(dir, 'missing')])).toThrow(/missing: no such file/);
    expect(() => dedupFiles([dir])).toThrow(/is a directory/);
    expect(() => dedupFiles([file(page(1))], { chunkPages: 0 })).toThrow(/chunkPages: expected a whole/);
  });
});
