import { OpKind } from '@hvsim/spec';
import { type Decoder, PageIds, SKIPPED } from './decoder';
import type { FileChunks } from './file-chunks';
import { TextLines } from './text-lines';

const SPACE = 32;
const TAB = 9;
const EQUALS = 61;
const COMMA = 44;
const EXPECTED =
  'a lackey record such as " L 7ff000a08,8" (I, L, S or M, a hexadecimal address, a comma, a decimal size) ' +
  'or a ==pid== banner line';

/**
 * valgrind lackey's `--trace-mem=yes` output: `I  04222cac,3` (instruction fetch), ` L 7ff000a08,8` (load),
 * ` S 7ff000a00,8` (store), ` M 0421c7f0,4` (modify: load then store). Each record is one reference to the
 * 4 KiB page holding its address (address >> 12): I and L read, S and M write. An access that straddles a
 * page boundary counts once, at the page of its start address. Lines starting `==<pid>==` (valgrind's banner
 * and summary) and blank lines are skipped; anything else is a malformed record.
 */
export class LackeyDecoder implements Decoder {
  readonly pages: PageIds;
  readonly #lines: TextLines;

  constructor(chunks: FileChunks, dense: boolean, scale = 1) {
    this.#lines = new TextLines(chunks, 'lackey');
    this.pages = new PageIds(dense, scale);
  }

  read(
    target: Float64Array,
    kind: Uint8Array,
    _content: Float64Array | undefined,
    start: number,
    end: number,
  ): number {
    const lines = this.#lines;
    const pages = this.pages;
    let n = start;
    while (n < end && lines.next()) {
      const buf = lines.buf;
      const stop = lines.end;
      let i = lines.start;
      while (i < stop && (buf[i] === SPACE || buf[i] === TAB)) i++;
      if (i === stop) continue;
      const op = buf[i]!;
      let write: number;
      if (op === 73 /* I */ || op === 76 /* L */) write = OpKind.Read;
      else if (op === 83 /* S */ || op === 77 /* M */) write = OpKind.Write;
      else if (op === EQUALS && isBanner(buf, i, stop)) continue;
      else throw lines.error(EXPECTED);
      i++;
      if (i === stop || (buf[i] !== SPACE && buf[i] !== TAB)) throw lines.error(EXPECTED);
      while (i < stop && (buf[i] === SPACE || buf[i] === TAB)) i++;
      // Hexadecimal address as two uint32 halves; at most 16 digits' worth of value.
      let lo = 0;
      let hi = 0;
      const digits = i;
      for (; i < stop; i++) {
        const c = buf[i]!;
        let d: number;
        if (c >= 48 && c <= 57) d = c - 48;
        else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
        else break;
        if (hi >>> 28 !== 0) throw lines.error('an address of at most 64 bits');
        hi = ((hi << 4) | (lo >>> 28)) >>> 0;
        lo = ((lo << 4) | d) >>> 0;
      }
      if (i === digits || i === stop || buf[i] !== COMMA) throw lines.error(EXPECTED);
      i++;
      const sizeStart = i;
      while (i < stop && buf[i]! >= 48 && buf[i]! <= 57) i++;
      if (i === sizeStart) throw lines.error(EXPECTED);
      while (i < stop && (buf[i] === SPACE || buf[i] === TAB)) i++;
      if (i !== stop) throw lines.error(EXPECTED);
      // Page number = address >> 12, still as halves (it always fits 2^52, so a non-dense page is exact).
      const page = pages.page(((lo >>> 12) | (hi << 20)) >>> 0, hi >>> 12);
      if (page === SKIPPED) continue;
      target[n] = page;
      kind[n] = write;
      n++;
    }
    return n - start;
  }

  rewind(): void {
    this.#lines.rewind();
  }

  close(): void {
    this.#lines.chunks.close();
  }
}

/** `==<digits>==`, the prefix of every line valgrind itself prints. */
function isBanner(buf: Uint8Array, i: number, stop: number): boolean {
  if (i + 1 >= stop || buf[i + 1] !== EQUALS) return false;
  let j = i + 2;
  const digits = j;
  while (j < stop && buf[j]! >= 48 && buf[j]! <= 57) j++;
  return j > digits && j + 1 < stop && buf[j] === EQUALS && buf[j + 1] === EQUALS;
}
