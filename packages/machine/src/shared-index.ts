import { WordMap } from '@hvsim/helpers';
import type { ContentId, Mpn } from '@hvsim/spec';

const TWO_32 = 2 ** 32;

/**
 * The machine's index of shared frames: (sharing domain, contents) → the one shared frame holding them, so no
 * two shared frames of a domain hold the same contents. A `WordMap` keyed by the content id's two 32-bit
 * halves and the domain: every share and every last unmap of a shared frame goes through it, and a JS `Map`
 * keyed by content ids (doubles) cost a share about as much as the rest of it.
 */
export class SharedIndex {
  readonly #frames: WordMap;

  /** `capacity`: the slots to start with, a power of two. */
  constructor(capacity = 1024) {
    this.#frames = new WordMap(capacity);
  }

  /** Shared frames indexed. */
  get size(): number {
    return this.#frames.size;
  }

  /** The shared frame of `domain` holding `content`, or -1. */
  get(domain: number, content: ContentId): Mpn | -1 {
    return this.#frames.get(content, content / TWO_32, domain);
  }

  /** Indexes `mpn` as the shared frame of `domain` holding `content` (replacing any other). */
  set(domain: number, content: ContentId, mpn: Mpn): void {
    this.#frames.set(content, content / TWO_32, domain, mpn);
  }

  /** Drops the entry of `domain` and `content`, if any. */
  delete(domain: number, content: ContentId): void {
    this.#frames.delete(content, content / TWO_32, domain);
  }
}
