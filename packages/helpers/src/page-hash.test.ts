import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HashWords, hashPage, hashPageWords, splitHash } from './page-hash';

describe('page hashing', () => {
  it('is xxhash64 with seed 0: the hash results depend on', () => {
    expect(hashPage(new Uint8Array(4096))).toBe(0xac869b6f32d8bbdbn);
    expect(hashPage(new TextEncoder().encode('abc'))).toBe(0x44bc2cf5ad770999n);
  });

  it('splits a hash into its high and low 32-bit words', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (hash) => {
        const out: HashWords = { hi: -1, lo: -1 };
        splitHash(hash, out);
        expect(BigInt(out.hi) * 2n ** 32n + BigInt(out.lo)).toBe(hash);
      }),
    );
  });

  it('hashes a page into words', () => {
    const page = Uint8Array.from({ length: 4096 }, (_, i) => i * 7);
    const out: HashWords = { hi: 0, lo: 0 };
    hashPageWords(page, out);
    expect(BigInt(out.hi) * 2n ** 32n + BigInt(out.lo)).toBe(hashPage(page));
  });
});
