import {
  type ContentId,
  type ContentInterner,
  createRandom,
  PAGE_SIZE,
  REAL_CONTENT_BASE,
  ZERO_CONTENT,
} from '@hvsim/spec';
import { compressSync } from 'lz4-napi';

/** lz4-napi puts the uncompressed length before the block; the block alone is what a cache would hold. */
const LENGTH_PREFIX = 4;

/** Bytes lz4 makes of a page: at least 1, and never more than the page (an incompressible page is kept whole). */
function lz4Bytes(page: Uint8Array): number {
  const block = compressSync(Buffer.from(page.buffer, page.byteOffset, page.byteLength)).length;
  return Math.min(PAGE_SIZE, Math.max(1, block - LENGTH_PREFIX));
}

/**
 * What a page's contents compress to, in bytes. Real bytes — those the host's content store holds, and the
 * zero page — are compressed with lz4 (the codec zswap and zram commonly run), once per content id. A
 * synthetic content has no bytes behind it: its size comes from its id alone, spread evenly over ±50% of
 * `syntheticShare` of a page by a stream seeded with the id, so the same content always gets the same size.
 */
export class CompressedSizes {
  readonly #contents: ContentInterner | undefined;
  readonly #syntheticShare: number;
  readonly #zero = lz4Bytes(new Uint8Array(PAGE_SIZE));
  /** Sizes of real contents, indexed by id − REAL_CONTENT_BASE; 0 until compressed. */
  #real = new Uint16Array(1024);

  constructor(contents: ContentInterner | undefined, syntheticShare: number) {
    this.#contents = contents;
    this.#syntheticShare = syntheticShare;
  }

  of(content: ContentId): number {
    if (content === ZERO_CONTENT) return this.#zero;
    const index = content - REAL_CONTENT_BASE;
    const bytes = index >= 0 ? this.#contents?.bytes(content) : undefined;
    if (!bytes) {
      const share = this.#syntheticShare * (0.5 + createRandom(content).nextFloat());
      return Math.min(PAGE_SIZE, Math.max(1, Math.round(share * PAGE_SIZE)));
    }
    if (index >= this.#real.length) {
      const grown = new Uint16Array(Math.max(2 * this.#real.length, index + 1));
      grown.set(this.#real);
      this.#real = grown;
    }
    if (this.#real[index] === 0) this.#real[index] = lz4Bytes(bytes);
    return this.#real[index]!;
  }
}
