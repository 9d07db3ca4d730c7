import type { ContentId, ContentInterner } from '@hvsim/spec';
import { xxh64 } from '@node-rs/xxhash';

const TWO_32 = 2 ** 32;
const MASK_53 = (1n << 53n) - 1n;

/**
 * A page's hash as a number of up to 53 bits (so table keys stay plain numbers): xxhash64 of the page's real
 * bytes when the host holds them, else a 64-bit-quality mix of its content id (the id already stands for the
 * bytes; hashing it again spreads ids that differ in few bits). `bits` below 53 keeps only that many bits:
 * with a few, unequal contents collide on purpose, which is how the false-match path is tested.
 */
export class ContentHash {
  readonly #contents: ContentInterner | undefined;
  /** Hash values kept: 2^bits, or undefined for all 53 bits. */
  readonly #buckets: number | undefined;

  constructor(contents: ContentInterner | undefined, bits: number) {
    this.#contents = contents;
    this.#buckets = bits < 53 ? 2 ** bits : undefined;
  }

  of(content: ContentId): number {
    const bytes = this.#contents?.bytes(content);
    const hash = bytes ? Number(xxh64(bytes) & MASK_53) : mixId(content);
    return this.#buckets === undefined ? hash : hash % this.#buckets;
  }
}

/** murmur3's 32-bit finaliser over each half of the id, the halves crossed: 53 well-mixed bits. */
function mixId(id: number): number {
  const lo = id >>> 0;
  const hi = Math.floor(id / TWO_32) >>> 0;
  const a = fmix(lo ^ Math.imul(hi, 0x9e3779b1));
  const b = fmix(hi ^ Math.imul(a, 0x85ebca6b) ^ 0x5bd1e995);
  return (b & 0x1fffff) * TWO_32 + (a >>> 0);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
