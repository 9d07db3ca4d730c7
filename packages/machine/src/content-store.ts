import {
  type ContentId,
  type ContentInterner,
  InvalidInputError,
  PAGE_SIZE,
  REAL_CONTENT_BASE,
  ZERO_CONTENT,
} from '@hvsim/spec';
import { xxh64 } from '@node-rs/xxhash';

/** Interned contents get ids from here up, clear of synthetic and disk-image contents (see the spec). */
export const CONTENT_STORE_BASE = REAL_CONTENT_BASE;

const CHUNK_PAGES = 1024;

/**
 * Real page contents, for engines and models that need bytes (hashing real images, compressing with a real
 * codec). Bytes are interned: equal pages get one id, so content-id equality stays exact. A page of zeros is
 * always `ZERO_CONTENT`. The index hashes with xxhash64 and compares fully on a hash match.
 */
export class ContentStore implements ContentInterner {
  readonly #chunks: Uint8Array[] = [];
  readonly #byHash = new Map<bigint, ContentId[]>();
  #count = 0;

  /** Distinct non-zero pages held. */
  get size(): number {
    return this.#count;
  }

  /** The id of a 4 KiB page of bytes, interning it if new. */
  intern(page: Uint8Array): ContentId {
    if (page.length !== PAGE_SIZE) {
      throw new InvalidInputError('page', `expected ${PAGE_SIZE} bytes, got ${page.length}`);
    }
    if (isZero(page)) return ZERO_CONTENT;
    const hash = xxh64(page);
    const candidates = this.#byHash.get(hash);
    if (candidates) {
      for (const id of candidates) if (equal(this.bytes(id)!, page)) return id;
    }
    const index = this.#count++;
    if (index % CHUNK_PAGES === 0) this.#chunks.push(new Uint8Array(CHUNK_PAGES * PAGE_SIZE));
    const offset = (index % CHUNK_PAGES) * PAGE_SIZE;
    this.#chunks[this.#chunks.length - 1]!.set(page, offset);
    const id = CONTENT_STORE_BASE + index;
    if (candidates) candidates.push(id);
    else this.#byHash.set(hash, [id]);
    return id;
  }

  /** The bytes of an interned id (a read-only view, not a copy), zeros for the zero page, undefined for synthetic ids. */
  bytes(id: ContentId): Uint8Array | undefined {
    if (id === ZERO_CONTENT) return ZERO_PAGE;
    const index = id - CONTENT_STORE_BASE;
    if (!(index >= 0 && index < this.#count)) return undefined;
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
