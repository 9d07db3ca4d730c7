import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  fmix32,
  hashBytes,
  NOT_A_NUMBER,
  PARSED,
  parseDecimal,
  parseFloatField,
  parseHex,
  parseUnsigned,
  TOO_LARGE,
  type U64,
} from './numbers';

const bytes = (text: string) => new TextEncoder().encode(text);
const value = (u: U64) => (BigInt(u.hi) << 32n) | BigInt(u.lo);

function parse(fn: typeof parseDecimal, text: string): bigint | number {
  const out = { lo: -1, hi: -1 };
  const b = bytes(text);
  const result = fn(b, 0, b.length, out);
  return result === PARSED ? value(out) : result;
}

describe('parseDecimal and parseHex', () => {
  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })])('read back any 64-bit value', (n) => {
    expect(parse(parseDecimal, n.toString())).toBe(n);
    expect(parse(parseHex, n.toString(16))).toBe(n);
    expect(parse(parseHex, n.toString(16).toUpperCase())).toBe(n);
    expect(parse(parseUnsigned, n.toString())).toBe(n);
    expect(parse(parseUnsigned, `0x${n.toString(16)}`)).toBe(n);
  });

  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(20)])('ignore leading zeros', (n, zeros) => {
    expect(parse(parseDecimal, '0'.repeat(zeros) + n.toString())).toBe(n);
    expect(parse(parseHex, '0'.repeat(zeros) + n.toString(16))).toBe(n);
  });

  test.prop([fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n })])(
    'report values of 2^64 and more as too large',
    (n) => {
      expect(parse(parseDecimal, n.toString())).toBe(TOO_LARGE);
      expect(parse(parseHex, n.toString(16))).toBe(TOO_LARGE);
    },
  );

  it('rejects empty fields, signs, blanks and junk', () => {
    for (const text of ['', '-1', '+1', ' 1', '1 ', '1.5', '12a', 'x', '0x', '1e3']) {
      expect(parse(parseDecimal, text)).toBe(NOT_A_NUMBER);
    }
    for (const text of ['', 'g', '12 ', '0x12']) expect(parse(parseHex, text)).toBe(NOT_A_NUMBER);
    expect(parse(parseDecimal, `${'9'.repeat(30)}x`)).toBe(NOT_A_NUMBER);
  });

  it('reads a leading 0 as decimal, not octal as strtoull would', () => {
    expect(parse(parseUnsigned, '010')).toBe(10n);
    expect(parse(parseUnsigned, '0X1f')).toBe(31n);
  });
});

describe('parseFloatField', () => {
  const float = (text: string) => parseFloatField(bytes(text), 0, bytes(text).length);
  it('reads integers, fractions and exponents, with blanks around', () => {
    expect(float('33898')).toBe(33898);
    expect(float(' 1.5 ')).toBe(1.5);
    expect(float('-2e3')).toBe(-2000);
  });
  it('is NaN for anything else', () => {
    for (const text of ['', ' ', 'abc', '0x10', 'Infinity', '1e999', '1,5']) expect(float(text)).toBeNaN();
  });
});

describe('hashBytes', () => {
  const hash = (text: string) => {
    const out = { lo: 0, hi: 0 };
    hashBytes(bytes(text), 0, bytes(text).length, out);
    return value(out);
  };
  test.prop([fc.string(), fc.string()])('is a function of the bytes only', (a, b) => {
    expect(hash(a)).toBe(hash(a));
    if (a !== b) expect(hash(a)).not.toBe(hash(b));
  });
  it('hashes a subrange as the same text on its own', () => {
    const b = bytes('xxabcxx');
    const out = { lo: 0, hi: 0 };
    hashBytes(b, 2, 5, out);
    expect(value(out)).toBe(hash('abc'));
  });
  it('spreads with fmix32', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).not.toBe(fmix32(2));
  });
});
