import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HvsimError, InvalidInputError, OpKind } from '@hvsim/spec';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkTraceFile,
  NO_CONTENT,
  openTrace,
  TRACE_FORMATS,
  TraceFileError,
  type TraceFormat,
  type TraceReaderOptions,
} from './index';
import { derivedFixtures, FIXTURES, readAll, readAllOps, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);

const fixtures: [TraceFormat, string, TraceReaderOptions][] = [
  ['lackey', 'true.lackey', {}],
  ['txt', 'true.txt', {}],
  ['csv', 'true.csv', { objIdCol: 4, timeCol: 1, hasHeader: true }],
  ['oracleGeneral', 'true.oracleGeneral', {}],
  ['hvsim-csv', 'true.hvsim.csv', { dense: true }],
];

describe('the fixtures', () => {
  it('are derived from the lackey fixture as test-support says (regenerate with UPDATE_FIXTURES=1)', () => {
    const derived = derivedFixtures(readFileSync(join(FIXTURES, 'true.lackey'), 'utf8'));
    for (const [name, data] of Object.entries(derived)) {
      expect(readFileSync(join(FIXTURES, name)).equals(Buffer.from(data)), name).toBe(true);
    }
  });

  it('give the same pages in every format', () => {
    const runs = fixtures.map(([format, file, options]) => {
      const reader = openTrace(join(FIXTURES, file), format, options);
      const got = readAll(reader, 97);
      reader.close();
      return { format, ...got };
    });
    const lackey = runs[0]!;
    expect(lackey.pages.length).toBeGreaterThan(3000);
    for (const run of runs) expect(run.pages, run.format).toEqual(lackey.pages);
    // Writes survive in lackey and hvsim-csv; libCacheSim's formats carry reads only.
    expect(runs.find((r) => r.format === 'hvsim-csv')!.writes).toEqual(lackey.writes);
    for (const format of ['txt', 'csv', 'oracleGeneral']) {
      expect(runs.find((r) => r.format === format)!.writes.some(Boolean)).toBe(false);
    }
  });
});

describe('openTrace', () => {
  it('lists its formats', () => {
    expect(TRACE_FORMATS).toEqual(['lackey', 'txt', 'csv', 'oracleGeneral', 'hvsim-csv']);
  });

  it('a missing file is a TraceFileError naming the path', () => {
    const path = join(temp.dir, 'nope.lackey');
    let error: unknown;
    try {
      openTrace(path, 'lackey');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFileError);
    expect(error).toBeInstanceOf(HvsimError);
    expect((error as TraceFileError).code).toBe('trace-unreadable');
    expect((error as Error).message).toBe(
      `${path}: no such trace file: expected the path of an existing file`,
    );
  });

  it('a directory is a TraceFileError', () => {
    const dir = join(temp.dir, 'a-directory');
    mkdirSync(dir);
    expect(() => openTrace(dir, 'txt')).toThrow(`${dir}: is a directory: expected the path of a trace file`);
  });

  it('checkTraceFile says the same as openTrace without a format', () => {
    const dir = join(temp.dir, 'another-directory');
    mkdirSync(dir);
    expect(() => checkTraceFile(dir)).toThrow(`${dir}: is a directory: expected the path of a trace file`);
    const missing = join(temp.dir, 'missing');
    expect(() => checkTraceFile(missing)).toThrow(
      `${missing}: no such trace file: expected the path of an existing file`,
    );
    expect(() => checkTraceFile(join(FIXTURES, 'true.txt'))).not.toThrow();
  });

  const txt = join(FIXTURES, 'true.txt');
  it.each([
    [
      'format',
      'nope' as TraceFormat,
      {},
      'trace.format: expected one of lackey, txt, csv, oracleGeneral, hvsim-csv',
    ],
    ['bufferBytes', 'txt', { bufferBytes: 16 }, 'trace.bufferBytes: expected an integer ≥ 32, got 16'],
    ['objIdCol', 'txt', { objIdCol: 2 }, 'trace.objIdCol: applies to the csv format only, not txt'],
    ['hasHeader', 'lackey', { hasHeader: true }, 'trace.hasHeader: applies to the csv format only'],
    [
      'objIdIsNum',
      'oracleGeneral',
      { objIdIsNum: true },
      'trace.objIdIsNum: applies to the txt and csv formats only',
    ],
    [
      'dense',
      'txt',
      { objIdIsNum: false, dense: false },
      'trace.dense: text ids (objIdIsNum: false) are hashed',
    ],
    ['objIdCol', 'csv', { objIdCol: 0 }, 'trace.objIdCol: expected a 1-based column number, got 0'],
    [
      'timeCol',
      'csv',
      { objIdCol: 2, timeCol: 2 },
      'trace.timeCol: expected a column other than objIdCol (2)',
    ],
    ['delimiter', 'csv', { delimiter: '::' }, 'trace.delimiter: expected one ASCII character'],
    [
      'delimiter',
      'csv',
      { delimiter: '"' },
      'trace.delimiter: expected one ASCII character other than a line break or a quote',
    ],
  ] as [string, TraceFormat, TraceReaderOptions, string][])(
    'rejects a bad %s',
    (_, format, options, message) => {
      expect(() => openTrace(txt, format, options)).toThrow(InvalidInputError);
      expect(() => openTrace(txt, format, options)).toThrow(message);
    },
  );
});

describe('a TraceReader', () => {
  const path = join(FIXTURES, 'true.lackey');

  it('replays the same pages after rewind, and counts its position', () => {
    const reader = openTrace(path, 'lackey', { bufferBytes: 100 });
    const first = readAll(reader);
    expect(reader.position).toBe(first.pages.length);
    const distinct = reader.distinctPages;
    reader.rewind();
    expect(reader.position).toBe(0);
    expect(readAll(reader, 31)).toEqual(first);
    expect(reader.distinctPages).toBe(distinct);
    reader.close();
  });

  it('nextOps fills only [start, end) and marks records without content', () => {
    const reader = openTrace(path, 'lackey');
    const target = new Float64Array(10).fill(-7);
    const kind = new Uint8Array(10).fill(9);
    const content = new Float64Array(10).fill(-7);
    expect(reader.nextOps(target, kind, content, 2, 6)).toBe(4);
    expect([...target.subarray(0, 2), ...target.subarray(6)]).toEqual([-7, -7, -7, -7, -7, -7]);
    expect([...content.subarray(2, 6)]).toEqual([NO_CONTENT, NO_CONTENT, NO_CONTENT, NO_CONTENT]);
    expect([...kind.subarray(2, 6)].every((k) => k === OpKind.Read || k === OpKind.Write)).toBe(true);
    expect(kind[0]).toBe(9);
    expect(() => reader.nextOps(target, kind, content, 5, 11)).toThrow(RangeError);
    expect(() => reader.nextOps(target, kind, new Float64Array(3), 0, 5)).toThrow(RangeError);
    reader.close();
  });

  it('reads nothing more once the trace has ended', () => {
    const reader = openTrace(join(FIXTURES, 'true.txt'), 'txt');
    readAll(reader);
    expect(reader.next(new Float64Array(4), new Uint8Array(4))).toBe(0);
    expect(readAllOps(reader)).toEqual([]);
    reader.close();
  });

  it('throws once closed; closing twice is harmless', () => {
    const reader = openTrace(path, 'lackey');
    reader.close();
    reader.close();
    expect(() => reader.next(new Float64Array(4), new Uint8Array(4))).toThrow(
      `${path}: the trace was closed`,
    );
  });

  it('streams a file many times its buffer', () => {
    const big = join(temp.dir, 'big.txt');
    const n = 200_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(String((i * 7919) % 5003));
    writeFileSync(big, `${lines.join('\n')}\n`);
    const reader = openTrace(big, 'txt', { bufferBytes: 64 });
    const pages = new Float64Array(4096);
    let total = 0;
    let max = 0;
    for (
      let got = reader.next(pages, new Uint8Array(4096));
      got > 0;
      got = reader.next(pages, new Uint8Array(4096))
    ) {
      total += got;
      for (let i = 0; i < got; i++) max = Math.max(max, pages[i]!);
    }
    expect(total).toBe(n);
    expect(max).toBe(5002);
    expect(reader.distinctPages).toBe(5003);
    reader.close();
  });
});
