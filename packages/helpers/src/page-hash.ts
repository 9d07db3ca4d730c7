import { xxh64 } from '@node-rs/xxhash';

/** A 64-bit hash as two uint32 words. */
export interface HashWords {
  hi: number;
  lo: number;
}

/** A 64-bit hash read back as two 32-bit words through one buffer: no BigInt arithmetic per page. */
const HASH = new BigUint64Array(1);
const HASH_WORDS = new Uint32Array(HASH.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [LO_WORD, HI_WORD] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/**
 * The hash of a page's bytes: xxhash64 (seed 0). Every table of real page contents keys by it and compares
 * in full on a match; a sharing engine's truncated hashes and KSM's checksums are its bits, so changing it
 * changes results.
 */
export const hashPage = (page: Uint8Array): bigint => xxh64(page);

/** Sets `out` to the words of a 64-bit hash. */
export function splitHash(hash: bigint, out: HashWords): void {
  HASH[0] = hash;
  out.hi = HASH_WORDS[HI_WORD]!;
  out.lo = HASH_WORDS[LO_WORD]!;
}

/** Sets `out` to the words of `hashPage(page)`. */
export const hashPageWords = (page: Uint8Array, out: HashWords): void => splitHash(xxh64(page), out);
