import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrace, TraceFormatError } from './index';
import { denseReference, FIXTURES, readAll, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);
let files = 0;
const write = (text: string) => {
  const path = join(temp.dir, `t${files++}.txt`);
  writeFileSync(path, text);
  return path;
};

describe('libCacheSim txt fixture', () => {
  it('reads one reference per line, all reads, ids numbered in first-seen order', () => {
    const path = join(FIXTURES, 'true.txt');
    const ids = readFileSync(path, 'utf8').trim().split('\n').map(BigInt);
    const reader = openTrace(path, 'txt', { bufferBytes: 64 });
    const got = readAll(reader);
    expect(got.pages).toEqual(denseReference(ids));
    expect(got.writes.every((w) => !w)).toBe(true);
    expect(reader.rawId(0)).toBe(ids[0]);
    expect(reader.position).toBe(ids.length);
    reader.close();
  });
});

describe('libCacheSim txt round trip', () => {
  test.prop([
    fc
      .array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 50 })
      .chain((pool) =>
        fc.array(pool.length === 0 ? fc.constant(0n) : fc.constantFrom(...pool), { maxLength: 300 }),
      ),
    fc.constantFrom('dec', 'hex', 'padded'),
    fc.integer({ min: 32, max: 100 }),
  ])('reads back the ids written, dense in first-seen order', (ids, style, bufferBytes) => {
    const text = ids
      .map((id) => (style === 'dec' ? `${id}` : style === 'hex' ? `0x${id.toString(16)}` : ` \t${id} `))
      .join('\n');
    const reader = openTrace(write(text), 'txt', { bufferBytes });
    const got = readAll(reader);
    expect(got.pages).toEqual(denseReference(ids));
    expect([...new Set(ids)].map((_, page) => reader.rawId(page))).toEqual([...new Set(ids)]);
    reader.close();
  });

  test.prop([fc.array(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), { maxLength: 100 })])(
    'gives the ids themselves with dense: false',
    (ids) => {
      const reader = openTrace(write(ids.join('\n')), 'txt', { dense: false, bufferBytes: 32 });
      expect(readAll(reader).pages).toEqual(ids.map(Number));
      reader.close();
    },
  );

  test.prop([
    fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '/', '-', 'é', '1'), minLength: 1, maxLength: 4 })),
  ])('reads any text as an id with objIdIsNum: false', (ids) => {
    const reader = openTrace(write(ids.join('\n')), 'txt', { objIdIsNum: false, bufferBytes: 32 });
    expect(readAll(reader).pages).toEqual(denseReference(ids));
    reader.close();
  });
});

describe('malformed txt records', () => {
  it.each([
    ['abc', 'an object id (a decimal or 0x-hexadecimal integer'],
    ['12 34', 'an object id (a decimal'],
    ['-5', 'an object id (a decimal'],
    ['18446744073709551616', 'an object id below 2^64'],
  ])('%j names the file and line', (bad, expectedText) => {
    const path = write(`1\n\n2\n${bad}\n3\n`);
    const reader = openTrace(path, 'txt', { bufferBytes: 32 });
    expect(() => readAll(reader)).toThrow(TraceFormatError);
    reader.rewind();
    expect(() => readAll(reader)).toThrow(`${path}:4: expected ${expectedText}`);
    reader.close();
  });

  it('an id of 2^53 or more with dense: false', () => {
    const path = write('1\n9007199254740992\n');
    const reader = openTrace(path, 'txt', { dense: false });
    expect(() => readAll(reader)).toThrow(`${path}:2: expected an object id below 2^53`);
    reader.close();
  });
});
