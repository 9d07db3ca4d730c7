import { grown, hashPageWords } from '@hvsim/helpers';
import type { ContentId, ContentInterner } from '@hvsim/spec';
import { REAL_CONTENT_BASE } from '@hvsim/spec';

const TWO_32 = 2 ** 32;

/**
 * A page's 64-bit hash, as two 32-bit words (`hi`, `lo`, set by `of`): the page hash of its real bytes
 * when the host holds them, else a 64-bit mix of its content id (the id already stands for the bytes; mixing
 * spreads ids that differ in few bits). An interned content's bytes never change, so each is hashed once and
 * its hash kept (unsalted). `bits` below 64 keeps only that many low bits: with a few, unequal contents collide on
 * purpose, which is how the false-match path is tested.
 */
export class ContentHash {
  hi = 0;
  lo = 0;
  readonly #contents: ContentInterner | undefined;
  readonly #hiMask: number;
  readonly #loMask: number;
  /** Hashes of real contents by id − REAL_CONTENT_BASE, as (hi, lo) pairs; `known` marks those computed. */
  #real = new Uint32Array(2048);
  #known = new Uint8Array(1024);

  constructor(contents: ContentInterner | undefined, bits: number) {
    this.#contents = contents;
    this.#loMask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    this.#hiMask = bits >= 64 ? 0xffffffff : bits > 32 ? 2 ** (bits - 32) - 1 : 0;
  }

  /**
   * Hashes `content` into `hi` and `lo`, salted: a non-zero `salt` remaps the 64 bits one-to-one, so pages
   * equal within a salt still match while equal pages of two salts (almost surely) do not.
   */
  of(content: ContentId, salt = 0): void {
    if (content >= REAL_CONTENT_BASE && this.#contents) this.#ofReal(content);
    else mixId(this, content);
    if (salt !== 0) {
      const lo = fmix(this.lo ^ Math.imul(salt, 0x9e3779b1));
      this.hi = fmix(this.hi ^ lo ^ salt);
      this.lo = lo;
    }
    this.hi = (this.hi & this.#hiMask) >>> 0;
    this.lo = (this.lo & this.#loMask) >>> 0;
  }

  #ofReal(content: ContentId): void {
    const index = content - REAL_CONTENT_BASE;
    if (index < this.#known.length && this.#known[index] === 1) {
      this.hi = this.#real[2 * index]!;
      this.lo = this.#real[2 * index + 1]!;
      return;
    }
    const bytes = this.#contents!.bytes(content);
    if (!bytes) {
      mixId(this, content);
      return;
    }
    hashPageWords(bytes, this);
    if (index >= this.#known.length) {
      this.#known = grown(this.#known, Math.max(2 * this.#known.length, index + 1));
      this.#real = grown(this.#real, 2 * this.#known.length);
    }
    this.#known[index] = 1;
    this.#real[2 * index] = this.hi;
    this.#real[2 * index + 1] = this.lo;
  }
}

/** murmur3's 32-bit finaliser over each half of the id, the halves crossed: 64 well-mixed bits. */
function mixId(out: { hi: number; lo: number }, id: number): void {
  const lo = id >>> 0;
  const hi = Math.floor(id / TWO_32) >>> 0;
  const a = fmix(lo ^ Math.imul(hi, 0x9e3779b1));
  out.lo = a >>> 0;
  out.hi = fmix(hi ^ Math.imul(a, 0x85ebca6b) ^ 0x5bd1e995) >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
