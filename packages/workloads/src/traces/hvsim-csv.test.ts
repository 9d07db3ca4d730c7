import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { OpKind } from '@hvsim/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_CONTENT, openTrace, TraceFormatError } from './index';
import { denseReference, FIXTURES, parseLackeyReference, readAll, readAllOps, tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);
let files = 0;
const write = (text: string) => {
  const path = join(temp.dir, `t${files++}.hvsim.csv`);
  writeFileSync(path, text);
  return path;
};

describe('hvsim-csv fixtures', () => {
  it('true.hvsim.csv: the lackey fixture as r/w records of page numbers, used as written', () => {
    const refs = parseLackeyReference(readFileSync(join(FIXTURES, 'true.lackey'), 'utf8'));
    const reader = openTrace(join(FIXTURES, 'true.hvsim.csv'), 'hvsim-csv', { bufferBytes: 40 });
    expect(reader.dense).toBe(false);
    expect(readAll(reader)).toEqual({
      pages: refs.map((r) => Number(r.page)),
      writes: refs.map((r) => r.write),
    });
    reader.close();
  });

  it('example.hvsim.csv: every op, with and without contents', () => {
    const reader = openTrace(join(FIXTURES, 'example.hvsim.csv'), 'hvsim-csv');
    const { Read, Write, FileRead, FileWrite } = OpKind;
    expect(readAllOps(reader, 3)).toEqual([
      { kind: Read, target: 0, content: NO_CONTENT },
      { kind: Write, target: 0, content: 42 },
      { kind: Write, target: 1, content: NO_CONTENT },
      { kind: FileRead, target: 100, content: NO_CONTENT },
      { kind: FileWrite, target: 100, content: 7 },
      { kind: Read, target: 1, content: NO_CONTENT },
      { kind: Write, target: 2, content: 0 },
      { kind: FileWrite, target: 3, content: NO_CONTENT },
    ]);
    reader.rewind();
    // `next` folds file ops into reads and writes of their block.
    expect(readAll(reader)).toEqual({
      pages: [0, 0, 1, 100, 100, 1, 2, 3],
      writes: [false, true, true, false, true, false, true, true],
    });
    reader.close();
  });

  it('dense: true numbers pages and blocks apart, each in first-seen order', () => {
    const reader = openTrace(join(FIXTURES, 'example.hvsim.csv'), 'hvsim-csv', { dense: true });
    expect(readAllOps(reader).map((r) => r.target)).toEqual([0, 0, 1, 0, 0, 1, 2, 1]);
    expect(reader.rawId(2)).toBe(2n);
    expect(reader.rawBlockId(0)).toBe(100n);
    expect(reader.rawBlockId(1)).toBe(3n);
    reader.close();
  });
});

const opArb = fc.record({
  op: fc.constantFrom('r', 'w', 'fr', 'fw'),
  page: fc.oneof(fc.nat(20), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }).map(Number)),
  content: fc.option(fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)), { nil: undefined }),
});

describe('hvsim-csv round trip', () => {
  test.prop([fc.array(opArb, { maxLength: 200 }), fc.boolean(), fc.integer({ min: 32, max: 120 })])(
    'reads back the ops, pages and contents written',
    (ops, withContent, bufferBytes) => {
      const lines = ops.map(({ op, page, content }) => {
        const write = op === 'w' || op === 'fw';
        return withContent && write && content !== undefined ? `${op},${page},${content}` : `${op},${page}`;
      });
      const path = write(`${withContent ? 'op,page,content' : 'op,page'}\n${lines.join('\n')}\n`);
      const kinds = { r: OpKind.Read, w: OpKind.Write, fr: OpKind.FileRead, fw: OpKind.FileWrite } as const;
      const reader = openTrace(path, 'hvsim-csv', { bufferBytes });
      expect(readAllOps(reader, 9)).toEqual(
        ops.map(({ op, page, content }) => ({
          kind: kinds[op],
          target: page,
          content: withContent && (op === 'w' || op === 'fw') && content !== undefined ? content : NO_CONTENT,
        })),
      );
      reader.close();
      const dense = openTrace(path, 'hvsim-csv', { dense: true, bufferBytes });
      const isFile = (op: string) => op.startsWith('f');
      const pages = denseReference(ops.filter((o) => !isFile(o.op)).map((o) => o.page));
      const blocks = denseReference(ops.filter((o) => isFile(o.op)).map((o) => o.page));
      expect(readAllOps(dense).map((r) => r.target)).toEqual(
        ops.map((o) => (isFile(o.op) ? blocks : pages).shift()),
      );
      dense.close();
    },
  );
});

describe('malformed hvsim-csv records', () => {
  const cases: [string, string, number, string][] = [
    ['op,page', 'r,1\nx,2', 3, 'a record "op,page" or "op,page,content" with op r, w, fr or fw'],
    ['op,page', 'w 1', 2, 'a record "op,page"'],
    ['op,page', 'r,', 2, 'a page number (a non-negative decimal integer below 2^64) after "r,"'],
    ['op,page', 'fw,-1', 2, 'a page number (a non-negative decimal integer below 2^64) after "fw,"'],
    ['op,page', 'w,1,5', 2, '2 fields (op,page) as the header says'],
    ['op,page,content', 'r,1,5', 2, 'no content for a read ("r,page" or "r,page,")'],
    ['op,page,content', 'w,1,5,6', 2, 'at most 3 fields (op,page,content)'],
    [
      'op,page,content',
      'w,1,9007199254740992',
      2,
      'a content id (a non-negative decimal integer below 2^53)',
    ],
    ['op,page,content', 'w,1,x', 2, 'a content id'],
    ['op,page', 'r,9007199254740992', 2, 'a page number below 2^53'],
    ['page,op', 'r,1', 1, 'the header "op,page" or "op,page,content" as the first line'],
    ['r,1', 'r,2', 1, 'the header "op,page" or "op,page,content"'],
  ];
  it.each(cases)('header %j, %j: names the file and line', (header, body, line, expected) => {
    const path = write(`${header}\n${body}\n`);
    const reader = openTrace(path, 'hvsim-csv', { bufferBytes: 32 });
    expect(() => readAll(reader)).toThrow(TraceFormatError);
    reader.rewind();
    expect(() => readAll(reader)).toThrow(`${path}:${line}: expected ${expected}`);
    reader.close();
  });

  it('blank lines before the header and between records are skipped', () => {
    const reader = openTrace(write('\n  \nop,page\n\nr,1\n\n'), 'hvsim-csv');
    expect(readAll(reader).pages).toEqual([1]);
    reader.close();
  });
});
