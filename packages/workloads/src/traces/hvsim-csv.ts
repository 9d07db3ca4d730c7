import { OpKind } from '@hvsim/spec';
import { type Decoder, NO_CONTENT, PageIds, SKIPPED, TOO_LARGE_ID } from './decoder';
import type { FileChunks } from './file-chunks';
import { PARSED, parseDecimal, type U64, u64Value } from './numbers';
import { isBlank, TextLines } from './text-lines';

const COMMA = 44;
const RECORD = 'a record "op,page" or "op,page,content" with op r, w, fr or fw';

/**
 * hvsim's own CSV trace (see the README): a header `op,page` or `op,page,content`, then one op per line —
 * `r` / `w` read or write an anonymous page, `fr` / `fw` read or write a block of the virtual disk; `page`
 * is a non-negative decimal integer; `content`, for writes only and optional per line, is the content id
 * written (a decimal integer below 2^53). Blank lines are skipped; fields may have blanks around them.
 */
export class HvsimCsvDecoder implements Decoder {
  readonly pages: PageIds;
  readonly blocks: PageIds;
  readonly #lines: TextLines;
  readonly #scratch: U64 = { lo: 0, hi: 0 };
  /** Whether the header declared a content column; undefined until the header is read. */
  #hasContent: boolean | undefined;

  constructor(chunks: FileChunks, dense: boolean, scale = 1) {
    this.#lines = new TextLines(chunks, 'hvsim-csv');
    this.pages = new PageIds(dense, scale);
    this.blocks = new PageIds(dense, scale);
  }

  read(
    target: Float64Array,
    kind: Uint8Array,
    content: Float64Array | undefined,
    start: number,
    end: number,
  ): number {
    const lines = this.#lines;
    const scratch = this.#scratch;
    let n = start;
    while (n < end && lines.next()) {
      const buf = lines.buf;
      const stop = lines.end;
      if (isBlank(buf, lines.start, stop)) continue;
      if (this.#hasContent === undefined) {
        this.#hasContent = readHeader(lines);
        continue;
      }
      let i = skipBlanks(buf, lines.start, stop);
      const c0 = buf[i];
      let op: number;
      if (c0 === 114 /* r */ || c0 === 119 /* w */) {
        op = c0 === 114 ? OpKind.Read : OpKind.Write;
        i++;
      } else if (c0 === 102 /* f */ && i + 1 < stop && (buf[i + 1] === 114 || buf[i + 1] === 119)) {
        op = buf[i + 1] === 114 ? OpKind.FileRead : OpKind.FileWrite;
        i += 2;
      } else throw lines.error(RECORD);
      i = skipBlanks(buf, i, stop);
      if (i >= stop || buf[i] !== COMMA) throw lines.error(RECORD);
      // Page, or block for fr/fw.
      const pageStart = i + 1;
      i = pageStart;
      while (i < stop && buf[i] !== COMMA) i++;
      if (parseDecimal(buf, skipBlanks(buf, pageStart, i), trimEnd(buf, pageStart, i), scratch) !== PARSED) {
        throw lines.error(`a page number (a non-negative decimal integer below 2^64) after "${opName(op)},"`);
      }
      const ids = op === OpKind.Read || op === OpKind.Write ? this.pages : this.blocks;
      const page = ids.page(scratch.lo, scratch.hi);
      if (page === TOO_LARGE_ID)
        throw lines.error('a page number below 2^53, the largest exact page number with dense: false');
      // Content, optional, writes only.
      let written = NO_CONTENT;
      if (i < stop) {
        if (!this.#hasContent) throw lines.error(`2 fields (op,page) as the header says, got more`);
        const contentStart = i + 1;
        let j = contentStart;
        while (j < stop && buf[j] !== COMMA) j++;
        if (j < stop) throw lines.error('at most 3 fields (op,page,content)');
        const cFrom = skipBlanks(buf, contentStart, j);
        const cTo = trimEnd(buf, contentStart, j);
        if (cFrom < cTo) {
          if (op === OpKind.Read || op === OpKind.FileRead) {
            throw lines.error(`no content for a read ("${opName(op)},page" or "${opName(op)},page,")`);
          }
          if (parseDecimal(buf, cFrom, cTo, scratch) !== PARSED || scratch.hi >= 0x200000) {
            throw lines.error('a content id (a non-negative decimal integer below 2^53) in column 3');
          }
          written = u64Value(scratch);
        }
      }
      // Dropped by a miniature's sample only now, so its line is checked as at full size.
      if (page === SKIPPED) continue;
      target[n] = page;
      kind[n] = op;
      if (content !== undefined) content[n] = written;
      n++;
    }
    return n - start;
  }

  rewind(): void {
    this.#lines.rewind();
    this.#hasContent = undefined;
  }

  close(): void {
    this.#lines.chunks.close();
  }
}

/** `op,page` → false, `op,page,content` → true; anything else is an error. */
function readHeader(lines: TextLines): boolean {
  const text = lines.text().replace(/[ \t]/g, '');
  if (text === 'op,page') return false;
  if (text === 'op,page,content') return true;
  throw lines.error('the header "op,page" or "op,page,content" as the first line');
}

function opName(op: number): string {
  return op === OpKind.Read ? 'r' : op === OpKind.Write ? 'w' : op === OpKind.FileRead ? 'fr' : 'fw';
}

function skipBlanks(buf: Uint8Array, i: number, stop: number): number {
  while (i < stop && (buf[i] === 32 || buf[i] === 9)) i++;
  return i;
}

function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  return end;
}
