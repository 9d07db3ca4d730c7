import { TraceFormatError } from './errors';
import type { FileChunks } from './file-chunks';

/** A line may outgrow the read buffer (which then doubles) up to this length; longer is a malformed trace. */
export const MAX_LINE_BYTES = 1 << 26;

const NEWLINE = 10;
const RETURN = 13;
/** Characters of a line quoted in an error message: enough to recognise it, never a screenful of bytes. */
export const EXCERPT_CHARS = 40;
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The lines of a text trace, one at a time and without copying: after `next()` the current line is
 * `buf[start, end)` (without its `\n` or `\r\n`), numbered `line` from 1.
 */
export class TextLines {
  readonly chunks: FileChunks;
  /** The trace format, named when a line looks binary. */
  readonly format: string;
  buf: Uint8Array;
  start = 0;
  end = 0;
  line = 0;
  /** The filled part of the buffer, so a search for the line break never reads stale bytes past it. */
  #view: Uint8Array;
  #pos = 0;

  constructor(chunks: FileChunks, format: string) {
    this.chunks = chunks;
    this.format = format;
    this.buf = chunks.buf;
    this.#view = this.buf.subarray(0, 0);
  }

  /** Moves to the next line; false at the end of the file. */
  next(): boolean {
    const nl = this.#view.indexOf(NEWLINE, this.#pos);
    if (nl < 0) return this.#slowNext();
    this.#take(nl, nl + 1);
    return true;
  }

  /** The current line as text (invalid UTF-8 decoded as U+FFFD). */
  text(): string {
    return decoder.decode(this.buf.subarray(this.start, this.end));
  }

  /**
   * A malformed-record error at the current line: `expected …, got "<excerpt>"`, or, when the line holds a
   * NUL byte or is not UTF-8, that the file looks binary (no excerpt: it would be noise). The excerpt is short
   * and escaped, so nothing a trace holds writes raw bytes to the user's terminal.
   */
  error(expected: string): TraceFormatError {
    const line = this.buf.subarray(this.start, this.end);
    const binary = line.includes(0)
      ? 'a NUL byte'
      : isUtf8(line)
        ? undefined
        : 'bytes that are not UTF-8 text';
    const got = `got "${excerpt(line)}"`;
    return new TraceFormatError(
      this.chunks.path,
      { line: this.line },
      binary === undefined
        ? `expected ${expected}, ${got}`
        : `looks like a binary file, not a ${this.format} trace: the line holds ${binary}`,
    );
  }

  rewind(): void {
    this.chunks.rewind();
    this.#view = this.buf.subarray(0, 0);
    this.#pos = 0;
    this.start = this.end = this.line = 0;
  }

  #take(lineEnd: number, next: number): void {
    this.start = this.#pos;
    this.end = lineEnd > this.#pos && this.buf[lineEnd - 1] === RETURN ? lineEnd - 1 : lineEnd;
    this.#pos = next;
    this.line++;
  }

  /** No line break in the buffer: read more (growing the buffer for a long line), or finish the last line. */
  #slowNext(): boolean {
    const chunks = this.chunks;
    for (;;) {
      if (chunks.eof) {
        if (this.#pos >= chunks.filled) return false;
        this.#take(chunks.filled, chunks.filled);
        return true;
      }
      if (this.#pos === 0 && chunks.filled === chunks.buf.length) {
        if (chunks.buf.length >= MAX_LINE_BYTES) {
          throw new TraceFormatError(
            chunks.path,
            { line: this.line + 1 },
            `expected lines shorter than ${MAX_LINE_BYTES} bytes`,
          );
        }
        chunks.grow();
        this.buf = chunks.buf;
      }
      const searchFrom = chunks.filled - this.#pos;
      chunks.refill(this.#pos);
      this.#pos = 0;
      this.#view = this.buf.subarray(0, chunks.filled);
      const nl = this.#view.indexOf(NEWLINE, searchFrom);
      if (nl >= 0) {
        this.#take(nl, nl + 1);
        return true;
      }
    }
  }
}

/**
 * The first EXCERPT_CHARS characters of a line, with control and other invisible characters escaped (`\t`,
 * `\x00`, `\u{202e}`; undecodable bytes show as `\u{fffd}`) and `…` when it goes on.
 */
function excerpt(bytes: Uint8Array): string {
  // A character is at most 4 bytes: decoding more than that many would only be thrown away.
  const head = decoder.decode(bytes.subarray(0, EXCERPT_CHARS * 4));
  const chars = [...head];
  const shown = chars.slice(0, EXCERPT_CHARS).map(escapeChar).join('');
  return chars.length > EXCERPT_CHARS || bytes.length > EXCERPT_CHARS * 4 ? `${shown}…` : shown;
}

function escapeChar(c: string): string {
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  if (c === '\\' || c === '"') return `\\${c}`;
  const code = c.codePointAt(0)!;
  if (code < 0x100 && /\p{C}/u.test(c)) return `\\x${code.toString(16).padStart(2, '0')}`;
  return /[\p{C}\p{Zl}\p{Zp}\ufffd]/u.test(c) ? `\\u{${code.toString(16)}}` : c;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Empty, or only spaces and tabs. */
export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9) return false;
  return true;
}
