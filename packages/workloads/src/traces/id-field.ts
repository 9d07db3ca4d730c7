import { type PageIds, TOO_LARGE_ID } from './decoder';
import { hashBytes, NOT_A_NUMBER, PARSED, parseUnsigned, type U64 } from './numbers';
import type { TextLines } from './text-lines';

const SPACE = 32;
const TAB = 9;

/**
 * The page of the object id in `buf[start, end)` of the current line: a number (decimal or 0x-hexadecimal,
 * below 2^64, blanks around it ignored) when `idIsNum`, else the text exactly as given, hashed to 64 bits.
 * Throws a malformed-record error naming the line otherwise. SKIPPED when a miniature's sample drops the id.
 */
export function idFieldPage(
  lines: TextLines,
  start: number,
  end: number,
  idIsNum: boolean,
  pages: PageIds,
  scratch: U64,
  column: string,
): number {
  const buf = lines.buf;
  if (idIsNum) {
    while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
    while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
    const result = parseUnsigned(buf, start, end, scratch);
    if (result !== PARSED) {
      throw lines.error(
        result === NOT_A_NUMBER
          ? `an object id${column} (a decimal or 0x-hexadecimal integer; objIdIsNum: false reads any text)`
          : `an object id${column} below 2^64`,
      );
    }
  } else {
    if (start === end) throw lines.error(`a non-empty object id${column}`);
    hashBytes(buf, start, end, scratch);
  }
  const page = pages.page(scratch.lo, scratch.hi);
  if (page === TOO_LARGE_ID)
    throw lines.error(`an object id${column} below 2^53, the largest exact page number with dense: false`);
  return page;
}
