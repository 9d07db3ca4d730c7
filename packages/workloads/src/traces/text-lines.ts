import { TraceFormatError } from './errors';
import type { FileChunks } from './file-chunks';

/** A line may outgrow the read buffer (which then doubles) up to this length; longer is a malformed trace. */
export const MAX_LINE_BYTES = 1 << 26;

const NEWLINE = 10;
const RETURN = 13;
const decoder = new TextDecoder();

/**
 * The lines of a text trace, one at a time and without copying: after `next()` the current line is
 * `buf[start, end)` (without its `\n` or `\r\n`), numbered `line` from 1.
 */
export class TextLines {
  readonly chunks: FileChunks;
  buf: Uint8Array;
  start = 0;
  end = 0;
  line = 0;
  /** The filled part of the buffer, so a search for the line break never reads stale bytes past it. */
  #view: Uint8Array;
  #pos = 0;

  constructor(chunks: FileChunks) {
    this.chunks = chunks;
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

  /** The current line as text, for error messages. */
  text(): string {
    const shown = Math.min(this.end, this.start + 120);
    const text = decoder.decode(this.buf.subarray(this.start, shown));
    return shown < this.end ? `${text}…` : text;
  }

  /** A malformed-record error at the current line: `expected …, got "<line>"`. */
  error(expected: string): TraceFormatError {
    return new TraceFormatError(
      this.chunks.path,
      { line: this.line },
      `expected ${expected}, got "${this.text()}"`,
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

/** Empty, or only spaces and tabs. */
export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9) return false;
  return true;
}
