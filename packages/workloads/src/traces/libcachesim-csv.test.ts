import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrace, TraceFormatError, type TraceReaderOptions } from './index';
import { denseReference, FIXTURES, readAll, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);
let files = 0;
const write = (text: string) => {
  const path = join(temp.dir, `t${files++}.csv`);
  writeFileSync(path, text);
  return path;
};

const fixtureOptions = { objIdCol: 4, timeCol: 1, hasHeader: true } as const;

describe('libCacheSim csv fixture (time,op,size,page)', () => {
  it('reads the object id column of every row after the header, all reads', () => {
    const ids = readFileSync(join(FIXTURES, 'true.txt'), 'utf8').trim().split('\n').map(BigInt);
    const reader = openTrace(join(FIXTURES, 'true.csv'), 'csv', { ...fixtureOptions, bufferBytes: 48 });
    const got = readAll(reader);
    expect(got.pages).toEqual(denseReference(ids));
    expect(got.writes.every((w) => !w)).toBe(true);
    reader.close();
  });

  it('without hasHeader, the header is a malformed record on line 1', () => {
    const path = join(FIXTURES, 'true.csv');
    const reader = openTrace(path, 'csv', { objIdCol: 4 });
    expect(() => readAll(reader)).toThrow(`${path}:1: expected an object id in column 4 (a decimal`);
    reader.close();
  });
});

const delimiters = [',', '\t', '|', ';', ' ', ':'];
const csvCase = fc
  .record({
    columns: fc.integer({ min: 1, max: 5 }),
    delimiter: fc.constantFrom(...delimiters),
    hasHeader: fc.boolean(),
    numeric: fc.boolean(),
    withTime: fc.boolean(),
    bufferBytes: fc.integer({ min: 32, max: 120 }),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      idCol: fc.integer({ min: 1, max: c.columns }),
      timeCol: fc.integer({ min: 1, max: c.columns }),
      ids: fc.array(
        c.numeric
          ? fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)
          : fc.string({
              unit: fc.constantFrom('a', 'b', 'x', '"', ',', '\t', '|', ';', ':', ' ', 'é'),
              minLength: 1,
              maxLength: 5,
            }),
        { maxLength: 80 },
      ),
      quote: fc.boolean(),
    }),
  );

/** A field as libCacheSim's csv parser reads it: quoted (quotes doubled) when asked or when it must be. */
function field(text: string, delimiter: string, quote: boolean): string {
  const needsQuotes = text.includes(delimiter) || text.includes('"') || text.trim() !== text;
  return quote || needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

describe('libCacheSim csv round trip', () => {
  test.prop([csvCase])(
    'reads back the id column whatever the layout, delimiter and quoting',
    ({ c, idCol, timeCol, ids, quote }) => {
      const time = c.withTime && timeCol !== idCol ? timeCol : undefined;
      const rows = ids.map((id, i) =>
        Array.from({ length: c.columns }, (_, col) =>
          col + 1 === idCol
            ? field(id, c.delimiter, quote)
            : col + 1 === time
              ? `${1000 + i * 0.5}`
              : `f${col}`,
        ).join(c.delimiter),
      );
      if (c.hasHeader)
        rows.unshift(Array.from({ length: c.columns }, (_, col) => `name${col}`).join(c.delimiter));
      const options: TraceReaderOptions = {
        objIdCol: idCol,
        hasHeader: c.hasHeader,
        delimiter: c.delimiter,
        objIdIsNum: c.numeric,
        bufferBytes: c.bufferBytes,
        ...(time === undefined ? {} : { timeCol: time }),
      };
      const reader = openTrace(write(rows.join('\n')), 'csv', options);
      const got = readAll(reader);
      expect(got.pages).toEqual(c.numeric ? denseReference(ids.map(BigInt)) : denseReference(ids));
      reader.close();
    },
  );
});

describe('malformed csv records', () => {
  const cases: [string, string, TraceReaderOptions][] = [
    ['1,2', 'at least 3 fields, found 2', { objIdCol: 3 }],
    ['x,abc', 'an object id in column 2 (a decimal', { objIdCol: 2 }],
    ['x,18446744073709551616', 'an object id in column 2 below 2^64', { objIdCol: 2 }],
    ['soon,5', 'a timestamp (a number) in column 1', { objIdCol: 2, timeCol: 1 }],
    ['"5,x', 'a closing quote in column 1', {}],
    ['"5"x,1', 'a delimiter after the quoted column 1', {}],
    ['"",1', 'a non-empty object id in column 1', { objIdIsNum: false }],
  ];
  it.each(cases)('%j names the file and line', (bad, expectedText, options) => {
    const path = write(`7,8,9\n\n${bad}\n`);
    const reader = openTrace(path, 'csv', { bufferBytes: 32, ...options });
    expect(() => readAll(reader)).toThrow(TraceFormatError);
    reader.rewind();
    expect(() => readAll(reader)).toThrow(`${path}:3: expected ${expectedText}`);
    reader.close();
  });
});
