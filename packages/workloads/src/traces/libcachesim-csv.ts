import { OpKind } from '@hvsim/spec';
import { type Decoder, PageIds, SKIPPED } from './decoder';
import type { FileChunks } from './file-chunks';
import { idFieldPage } from './id-field';
import { parseFloatField, type U64 } from './numbers';
import { isBlank, TextLines } from './text-lines';

const QUOTE = 34;

/** The reader options of libCacheSim's csv reader this decoder implements (see the README). */
export interface CsvLayout {
  /** 1-based column of the object id (libCacheSim `obj-id-col`). */
  readonly objIdCol: number;
  /** 1-based column of the timestamp, or 0 for none (`time-col`). */
  readonly timeCol: number;
  /** Whether the first line is a header to skip (`has-header`). */
  readonly hasHeader: boolean;
  /** One-byte field delimiter (`delimiter`). */
  readonly delimiter: number;
  /** Numeric ids, or any text hashed to 64 bits (`obj-id-is-num`). */
  readonly objIdIsNum: boolean;
}

/**
 * libCacheSim's `csv` trace (`traceReader/generalReader/csv.c`): one request per line, the object id in
 * column `objIdCol`, optionally a timestamp in `timeCol`, other columns ignored. Each record is a read of the
 * object's page. Blanks around an unquoted field are dropped. A field may be double-quoted to hold the
 * delimiter, blanks or a doubled quote (a text id is hashed exactly as written between its quotes); a quoted
 * field cannot span lines. The timestamp must be a number but does not pace the replay: hvsim runs ops at the
 * VM's own speed. Blank lines are skipped.
 */
export class CsvDecoder implements Decoder {
  readonly pages: PageIds;
  readonly #lines: TextLines;
  readonly #layout: CsvLayout;
  readonly #lastCol: number;
  readonly #idColumn: string;
  readonly #scratch: U64 = { lo: 0, hi: 0 };

  constructor(chunks: FileChunks, dense: boolean, layout: CsvLayout, scale = 1) {
    this.#lines = new TextLines(chunks, 'csv');
    this.pages = new PageIds(dense, scale);
    this.#layout = layout;
    this.#lastCol = Math.max(layout.objIdCol, layout.timeCol);
    this.#idColumn = ` in column ${layout.objIdCol}`;
  }

  read(
    target: Float64Array,
    kind: Uint8Array,
    _content: Float64Array | undefined,
    start: number,
    end: number,
  ): number {
    const lines = this.#lines;
    const { objIdCol, timeCol, delimiter, objIdIsNum, hasHeader } = this.#layout;
    const lastCol = this.#lastCol;
    let n = start;
    while (n < end && lines.next()) {
      if (lines.line === 1 && hasHeader) continue;
      const buf = lines.buf;
      const stop = lines.end;
      if (isBlank(buf, lines.start, stop)) continue;
      let i = lines.start;
      let col = 1;
      let page = -1;
      for (;;) {
        let fieldStart = i;
        let fieldEnd: number;
        if (buf[i] === QUOTE) {
          let j = i + 1;
          for (;;) {
            if (j >= stop) throw lines.error(`a closing quote in column ${col}`);
            if (buf[j] === QUOTE) {
              if (j + 1 < stop && buf[j + 1] === QUOTE) j += 2;
              else break;
            } else j++;
          }
          fieldStart = i + 1;
          fieldEnd = j;
          i = j + 1;
          if (i < stop && buf[i] !== delimiter)
            throw lines.error(`a delimiter after the quoted column ${col}`);
        } else {
          while (i < stop && buf[i] !== delimiter) i++;
          fieldEnd = i;
          // Blanks around an unquoted field are not part of it (libcsv trims them too).
          while (fieldStart < fieldEnd && (buf[fieldStart] === 32 || buf[fieldStart] === 9)) fieldStart++;
          while (fieldEnd > fieldStart && (buf[fieldEnd - 1] === 32 || buf[fieldEnd - 1] === 9)) fieldEnd--;
        }
        if (col === objIdCol) {
          page = idFieldPage(
            lines,
            fieldStart,
            fieldEnd,
            objIdIsNum,
            this.pages,
            this.#scratch,
            this.#idColumn,
          );
        } else if (col === timeCol && Number.isNaN(parseFloatField(buf, fieldStart, fieldEnd))) {
          throw lines.error(`a timestamp (a number) in column ${col}`);
        }
        if (col === lastCol) break;
        if (i >= stop) throw lines.error(`at least ${lastCol} fields, found ${col}`);
        i++;
        col++;
      }
      if (page === SKIPPED) continue;
      target[n] = page;
      n++;
    }
    kind.fill(OpKind.Read, start, n);
    return n - start;
  }

  rewind(): void {
    this.#lines.rewind();
  }

  close(): void {
    this.#lines.chunks.close();
  }
}
