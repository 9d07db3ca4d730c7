import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { FileChunks } from './file-chunks';
import { tempDir } from './test-support';
import { EXCERPT_CHARS, TextLines } from './text-lines';

const temp = tempDir();
afterAll(temp.remove);
let files = 0;

function linesOf(text: string, bufferBytes: number): { lines: string[]; numbers: number[] } {
  const path = join(temp.dir, `lines-${files++}.txt`);
  writeFileSync(path, text);
  const reader = new TextLines(new FileChunks(path, bufferBytes), 'txt');
  const decoder = new TextDecoder();
  const lines: string[] = [];
  const numbers: number[] = [];
  while (reader.next()) {
    lines.push(decoder.decode(reader.buf.subarray(reader.start, reader.end)));
    numbers.push(reader.line);
  }
  reader.chunks.close();
  return { lines, numbers };
}

describe('TextLines', () => {
  test.prop([
    fc.array(fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '0', '\t', '€'), maxLength: 90 }), {
      maxLength: 40,
    }),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
    fc.integer({ min: 32, max: 80 }),
  ])('splits any text into its lines across buffer boundaries', (lines, eol, trailing, bufferBytes) => {
    const text = lines.join(eol) + (trailing && lines.length > 0 ? eol : '');
    // A line break ends a line: "" has no lines, "a" and "a\n" have one, "\n" has one empty line.
    const expected = text.split(eol);
    if (expected.at(-1) === '') expected.pop();
    const got = linesOf(text, bufferBytes);
    expect(got.lines).toEqual(expected);
    expect(got.numbers).toEqual(expected.map((_, i) => i + 1));
  });

  it('grows the buffer for a line longer than it', () => {
    const long = 'x'.repeat(1000);
    expect(linesOf(`a\n${long}\nb`, 32).lines).toEqual(['a', long, 'b']);
  });

  it('keeps blank lines, numbered', () => {
    expect(linesOf('\n\na\n\n', 32)).toEqual({ lines: ['', '', 'a', ''], numbers: [1, 2, 3, 4] });
  });

  it('starts over after rewind', () => {
    const path = join(temp.dir, 'rewind.txt');
    writeFileSync(path, 'one\ntwo\n');
    const reader = new TextLines(new FileChunks(path, 32), 'txt');
    expect(reader.next() && reader.next()).toBe(true);
    expect(reader.line).toBe(2);
    reader.rewind();
    expect(reader.next()).toBe(true);
    expect([reader.line, reader.text()]).toEqual([1, 'one']);
    reader.chunks.close();
  });

  it('names the file and line in its errors, and shortens long lines', () => {
    const path = join(temp.dir, 'error.txt');
    writeFileSync(path, `ok\n${'y'.repeat(300)}\n`);
    const reader = new TextLines(new FileChunks(path, 64), 'txt');
    reader.next();
    reader.next();
    const error = reader.error('something else');
    expect(error.message).toBe(`${path}:2: expected something else, got "${'y'.repeat(EXCERPT_CHARS)}…"`);
    expect(error.line).toBe(2);
    reader.chunks.close();
  });

  it('quotes a line with its control and invisible characters escaped', () => {
    const path = join(temp.dir, 'escaped.txt');
    writeFileSync(path, 'a\tb\x1b[31m"q"\\ \u202e\x7f\r\n');
    const reader = new TextLines(new FileChunks(path, 32), 'txt');
    reader.next();
    expect(reader.error('a number').message).toBe(
      `${path}:1: expected a number, got "a\\tb\\x1b[31m\\"q\\"\\\\ \\u{202e}\\x7f"`,
    );
    reader.chunks.close();
  });

  it.each([
    ['a NUL byte', Buffer.from([0x41, 0x00, 0x42, 0x0a])],
    ['bytes that are not UTF-8 text', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x0a])],
  ])('says a line holding %s looks binary, and quotes none of it', (what, bytes) => {
    const path = join(temp.dir, 'binary.bin');
    writeFileSync(path, bytes);
    const reader = new TextLines(new FileChunks(path, 32), 'lackey');
    reader.next();
    expect(reader.error('a record').message).toBe(
      `${path}:1: looks like a binary file, not a lackey trace: the line holds ${what}`,
    );
    reader.chunks.close();
  });
});
