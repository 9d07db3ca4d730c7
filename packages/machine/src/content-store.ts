import { ContentNumbers, type HashWords, hashPageWords } from '@hvsim/helpers';
import {
  type ContentId,
  type ContentInterner,
  InvalidInputError,
  PAGE_SIZE,
  REAL_CONTENT_BASE,
  ZERO_CONTENT,
} from '@hvsim/spec';

/** Interned contents get ids from here up, clear of synthetic and disk-image contents (see the spec). */
export const CONTENT_STORE_BASE = REAL_CONTENT_BASE;

const CHUNK_PAGES = 1024;

/**
 * Real page contents, for engines and models that need bytes (hashing real images, compressing with a real
 * codec). Bytes are interned: equal pages get one id, so content-id equality stays exact. A page of zeros is
 * always `ZERO_CONTENT`. Contents are numbered by their page hash, compared in full on a hash match.
 */
export class ContentStore implements ContentInterner {
  readonly #chunks: Uint8Array[] = [];
  readonly #numbers = new ContentNumbers();
  readonly #hash: HashWords = { hi: 0, lo: 0 };

  /** Distinct non-zero pages held. */
  get size(): number {
    return this.#numbers.size;
  }

  /** The id of a 4 KiB page of bytes, interning it if new. */
  intern(page: Uint8Array): ContentId {
    if (page.length !== PAGE_SIZE) {
      throw new InvalidInputError('page', `expected ${PAGE_SIZE} bytes, got ${page.length}`);
    }
    if (isZero(page)) return ZERO_CONTENT;
    hashPageWords(page, this.#hash);
    const { hi, lo } = this.#hash;
    const found = this.#numbers.find(hi, lo, (index) => equal(this.#page(index), page));
    if (found >= 0) return CONTENT_STORE_BASE + found;
    const index = this.#numbers.add(hi, lo);
    if (index % CHUNK_PAGES === 0) this.#chunks.push(new Uint8Array(CHUNK_PAGES * PAGE_SIZE));
    this.#chunks[this.#chunks.length - 1]!.set(page, (index % CHUNK_PAGES) * PAGE_SIZE);
    return CONTENT_STORE_BASE + index;
  }

  /** The bytes of an interned id (a read-only view, not a copy), zeros for the zero page, undefined for synthetic ids. */
  bytes(id: ContentId): Uint8Array | undefined {
    if (id === ZERO_CONTENT) return ZERO_PAGE;
    const index = id - CONTENT_STORE_BASE;
    return index >= 0 && index < this.#numbers.size ? this.#page(index) : undefined;
  }

  #page(index: number): Uint8Array {
    const chunk = this.#chunks[Math.floor(index / CHUNK_PAGES)]!;
    const offset = (index % CHUNK_PAGES) * PAGE_SIZE;
    return chunk.subarray(offset, offset + PAGE_SIZE);
  }
}

const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

const isZero = (page: Uint8Array): boolean => equal(page, ZERO_PAGE);

/** The full compare behind a hash match (native memcmp through Buffer). */
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
