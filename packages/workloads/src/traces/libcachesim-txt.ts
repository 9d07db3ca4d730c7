import { OpKind } from '@hvsim/spec';
import { type Decoder, PageIds, SKIPPED } from './decoder';
import type { FileChunks } from './file-chunks';
import { idFieldPage } from './id-field';
import type { U64 } from './numbers';
import { TextLines } from './text-lines';

/**
 * libCacheSim's `txt` trace (`traceReader/generalReader/txt.c`): one object id per line, each line one
 * request (here a read of the object's page). Numeric ids are decimal or 0x-hexadecimal; with
 * `objIdIsNum: false` the whole line, without blanks around it, is the id. Blank lines are skipped, as
 * libCacheSim does.
 */
export class TxtDecoder implements Decoder {
  readonly pages: PageIds;
  readonly #lines: TextLines;
  readonly #idIsNum: boolean;
  readonly #scratch: U64 = { lo: 0, hi: 0 };

  constructor(chunks: FileChunks, dense: boolean, idIsNum: boolean, scale = 1) {
    this.#lines = new TextLines(chunks, 'txt');
    this.pages = new PageIds(dense, scale);
    this.#idIsNum = idIsNum;
  }

  read(
    target: Float64Array,
    kind: Uint8Array,
    _content: Float64Array | undefined,
    start: number,
    end: number,
  ): number {
    const lines = this.#lines;
    let n = start;
    while (n < end && lines.next()) {
      const buf = lines.buf;
      let from = lines.start;
      let to = lines.end;
      while (from < to && (buf[from] === 32 || buf[from] === 9)) from++;
      while (to > from && (buf[to - 1] === 32 || buf[to - 1] === 9)) to--;
      if (from === to) continue;
      const page = idFieldPage(lines, from, to, this.#idIsNum, this.pages, this.#scratch, '');
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
