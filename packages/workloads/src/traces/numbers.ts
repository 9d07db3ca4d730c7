/**
 * Byte-level number parsing for text traces, without allocating: a 64-bit id is produced as two uint32
 * halves in a caller-owned {@link U64}, since float64 only holds integers exactly up to 2^53.
 */

/** A 64-bit unsigned value as two uint32 halves. */
export interface U64 {
  lo: number;
  hi: number;
}

export const TWO_32 = 4294967296;
/** Ids at or above 2^53 do not fit a float64 page number exactly. */
export const TWO_53 = 2 ** 53;

/** Parse results: the value is in `out`, or the text is not a number, or it does not fit 64 bits. */
export const PARSED = 0;
export const NOT_A_NUMBER = 1;
export const TOO_LARGE = 2;
export type ParseResult = typeof PARSED | typeof NOT_A_NUMBER | typeof TOO_LARGE;

/** The value of `u` as a float64 (exact below 2^53). */
export const u64Value = (u: U64): number => u.hi * TWO_32 + u.lo;

/** Stores a non-negative integer below 2^53 as halves. */
export function setU64(out: U64, value: number): void {
  out.lo = value >>> 0;
  out.hi = (value - out.lo) / TWO_32;
}

/**
 * Unsigned integer in `buf[start, end)`: decimal digits, or hexadecimal after `0x`/`0X` (as libCacheSim's
 * `strtoull(…, 0)`, except that a leading 0 does not mean octal).
 */
export function parseUnsigned(buf: Uint8Array, start: number, end: number, out: U64): ParseResult {
  if (end - start > 2 && buf[start] === 48 && (buf[start + 1]! | 0x20) === 120) {
    return parseHex(buf, start + 2, end, out);
  }
  return parseDecimal(buf, start, end, out);
}

/** Decimal digits only, at least one. */
export function parseDecimal(buf: Uint8Array, start: number, end: number, out: U64): ParseResult {
  if (start >= end) return NOT_A_NUMBER;
  // Fast path: a float64 accumulates exactly while the value stays below 2^53.
  let value = 0;
  let i = start;
  for (; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) return NOT_A_NUMBER;
    if (value >= 900719925474099) break; // one more digit could pass 2^53
    value = value * 10 + digit;
  }
  let lo = value >>> 0;
  let hi = (value - lo) / TWO_32;
  for (; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) return NOT_A_NUMBER;
    const low = lo * 10 + digit; // < 2^36: exact
    const carry = Math.floor(low / TWO_32);
    lo = low - carry * TWO_32;
    hi = hi * 10 + carry;
    if (hi >= TWO_32) return tooLargeUnlessJunk(buf, i + 1, end, isDecimalDigit);
  }
  out.lo = lo;
  out.hi = hi;
  return PARSED;
}

/** Hexadecimal digits only (either case), at least one. */
export function parseHex(buf: Uint8Array, start: number, end: number, out: U64): ParseResult {
  if (start >= end) return NOT_A_NUMBER;
  let lo = 0;
  let hi = 0;
  for (let i = start; i < end; i++) {
    const digit = hexDigit(buf[i]!);
    if (digit < 0) return NOT_A_NUMBER;
    if (hi >>> 28 !== 0) return tooLargeUnlessJunk(buf, i + 1, end, (c) => hexDigit(c) >= 0);
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | digit) >>> 0;
  }
  out.lo = lo;
  out.hi = hi;
  return PARSED;
}

/**
 * A number (integer, decimal fraction or exponent, as `atof` reads a time column; surrounding blanks
 * ignored); NaN if it is not one.
 */
export function parseFloatField(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === 32 || buf[start] === 9)) start++;
  while (end > start && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  if (start >= end) return Number.NaN;
  let text = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    // Only the characters of a number literal; Number() would also accept "0x1", "Infinity" or blanks.
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || (c | 0x20) === 101)) return Number.NaN;
    text += String.fromCharCode(c);
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * A 64-bit hash of the bytes of a non-numeric id (libCacheSim interns such ids; hvsim hashes them so no
 * per-id string is kept). Two independent 32-bit hashes: FNV-1a and a multiply-rotate hash, each finalised.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number, out: U64): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ (end - start);
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  out.lo = fmix32(a);
  out.hi = fmix32(b ^ 0x6a09e667);
}

/** murmur3's finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

const isDecimalDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Overflow is only reported as such when the rest of the field is digits too. */
function tooLargeUnlessJunk(
  buf: Uint8Array,
  from: number,
  end: number,
  isDigit: (c: number) => boolean,
): ParseResult {
  for (let i = from; i < end; i++) if (!isDigit(buf[i]!)) return NOT_A_NUMBER;
  return TOO_LARGE;
}
