import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { HvsimError } from '@hvsim/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrace, TraceFormatError } from './index';
import {
  denseReference,
  FIXTURES,
  generateLackeyFixture,
  LACKEY_FIXTURE_LINES,
  type LackeyRecord,
  lackeyLine,
  parseLackeyReference,
  readAll,
  tempDir,
  writeDerivedFixtures,
} from './test-support';

const fixture = join(FIXTURES, 'true.lackey');
const temp = tempDir();
afterAll(temp.remove);
let files = 0;
const write = (text: string) => {
  const path = join(temp.dir, `t${files++}.lackey`);
  writeFileSync(path, text);
  return path;
};

function expected(text: string) {
  const refs = parseLackeyReference(text);
  return { pages: denseReference(refs.map((r) => r.page)), writes: refs.map((r) => r.write) };
}

describe('lackey fixture (valgrind --tool=lackey --trace-mem=yes /bin/true)', () => {
  const text = readFileSync(fixture, 'utf8');

  it.each([64, 1 << 20])('reads every record, skipping the banner (buffer of %d bytes)', (bufferBytes) => {
    const reader = openTrace(fixture, 'lackey', { bufferBytes });
    const got = readAll(reader, 100);
    expect(got).toEqual(expected(text));
    // 6 banner lines lead the fixture; the rest of its first LACKEY_FIXTURE_LINES lines are records.
    expect(got.pages).toHaveLength(LACKEY_FIXTURE_LINES - 6);
    expect(got.writes.filter(Boolean).length).toBeGreaterThan(100);
    expect(reader.distinctPages).toBe(new Set(got.pages).size);
    reader.close();
  });

  it('numbers pages 0, 1, 2… and keeps the page number of each (address >> 12)', () => {
    const reader = openTrace(fixture, 'lackey');
    const { pages } = readAll(reader);
    const refs = parseLackeyReference(text);
    expect(pages[0]).toBe(0);
    pages.forEach((page, i) => {
      if (i < 50) expect(reader.rawId(page)).toBe(refs[i]!.page);
    });
    reader.close();
  });

  it('gives page numbers themselves with dense: false', () => {
    const reader = openTrace(fixture, 'lackey', { dense: false });
    expect(readAll(reader).pages).toEqual(parseLackeyReference(text).map((r) => Number(r.page)));
    expect(reader.distinctPages).toBeUndefined();
    expect(reader.rawId(0x401a)).toBe(0x401an);
    reader.close();
  });

  const valgrind = spawnSync('valgrind', ['--version']).status === 0;
  it.skipIf(!valgrind)(
    'regenerates the fixture with valgrind (UPDATE_FIXTURES=1 rewrites it)',
    () => {
      const fresh = generateLackeyFixture();
      if (process.env['UPDATE_FIXTURES'] === '1') {
        writeFileSync(fixture, fresh);
        writeDerivedFixtures();
      }
      const reader = openTrace(write(fresh), 'lackey', { bufferBytes: 4096 });
      expect(readAll(reader)).toEqual(expected(fresh));
      reader.close();
      // Same recipe, same shape: the banner, LACKEY_FIXTURE_LINES lines, then valgrind's closing summary.
      const lines = fresh.split('\n');
      expect(lines.slice(0, 6).every((l) => /^==\d+==/.test(l))).toBe(true);
      expect(lines.length).toBe(text.split('\n').length);
      expect(parseLackeyReference(fresh)).toHaveLength(parseLackeyReference(text).length);
    },
    60_000,
  );
});

const record = fc.record({
  op: fc.constantFrom('I', 'L', 'S', 'M'),
  address: fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.bigInt({ min: 0x4000000n, max: 0x4010000n }), // a few pages, so pages repeat
  ),
  size: fc.integer({ min: 1, max: 64 }),
}) as fc.Arbitrary<LackeyRecord>;
const line = fc.oneof(
  { weight: 8, arbitrary: record.map(lackeyLine) },
  { weight: 1, arbitrary: fc.constantFrom('==123== Lackey, an example Valgrind tool', '==9== ', '', '   ') },
);

describe('lackey round trip', () => {
  test.prop([
    fc.array(line, { maxLength: 300 }),
    fc.integer({ min: 32, max: 200 }),
    fc.constantFrom('\n', '\r\n'),
  ])('reads back the pages and write flags of the records written', (lines, bufferBytes, eol) => {
    const text = lines.join(eol);
    const path = write(text);
    const dense = openTrace(path, 'lackey', { bufferBytes });
    expect(readAll(dense, 13)).toEqual(expected(text));
    dense.close();
    const raw = openTrace(path, 'lackey', { dense: false, bufferBytes });
    expect(readAll(raw).pages).toEqual(parseLackeyReference(text).map((r) => Number(r.page)));
    raw.close();
  });
});

describe('malformed lackey records', () => {
  it.each([
    ['X 04222cac,3', 'a lackey record'],
    [' L 7ff000a08', 'a lackey record'],
    [' L ,8', 'a lackey record'],
    [' L 7ffg00a08,8', 'a lackey record'],
    [' L 7ff000a08,', 'a lackey record'],
    [' L 7ff000a08,8 x', 'a lackey record'],
    [' L7ff000a08,8', 'a lackey record'],
    ['I', 'a lackey record'],
    ['==x== not a banner', 'a lackey record'],
    ['--123-- verbose line', 'a lackey record'],
    [' S 1234567890abcdef0,8', 'an address of at most 64 bits'],
  ])('%j is an error naming the file and line', (bad, expectedText) => {
    const path = write(`==1== banner\nI  04222cac,3\n\n${bad}\n L 7ff000a08,8\n`);
    const reader = openTrace(path, 'lackey', { bufferBytes: 32 });
    const batch = new Float64Array(10);
    let error: unknown;
    try {
      reader.next(batch, new Uint8Array(10));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error).toBeInstanceOf(HvsimError);
    const e = error as TraceFormatError;
    expect(e.line).toBe(4);
    expect(e.message).toContain(`${path}:4: expected ${expectedText}`);
    expect(e.message).toContain(JSON.stringify(bad));
    expect(e.code).toBe('invalid-trace');
    reader.close();
  });
});
