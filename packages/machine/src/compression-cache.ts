import { type ContentId, PAGE_SIZE } from '@hvsim/spec';

/**
 * Compressed pages of all VMs: each entry is a page's contents and its compressed size. Each VM's cache
 * occupies whole frames, as many as its compressed bytes need (compaction is assumed, so no fragmentation);
 * the machine takes and gives back those frames as the cache grows and shrinks.
 */
export class CompressionCache {
  content = new Float64Array(256);
  bytes = new Uint16Array(256);
  #freeStack = new Uint32Array(256);
  #freeTop = 0;
  #next = 0;
  /** Entries in use. */
  used = 0;

  allocate(content: ContentId, bytes: number): number {
    let entry: number;
    if (this.#freeTop > 0) entry = this.#freeStack[--this.#freeTop]!;
    else {
      if (this.#next === this.content.length) this.#grow();
      entry = this.#next++;
    }
    this.content[entry] = content;
    this.bytes[entry] = bytes;
    this.used++;
    return entry;
  }

  release(entry: number): void {
    this.content[entry] = 0;
    this.bytes[entry] = 0;
    this.#freeStack[this.#freeTop++] = entry;
    this.used--;
  }

  #grow(): void {
    const n = this.content.length * 2;
    const content = new Float64Array(n);
    content.set(this.content);
    const bytes = new Uint16Array(n);
    bytes.set(this.bytes);
    const free = new Uint32Array(n);
    free.set(this.#freeStack);
    this.content = content;
    this.bytes = bytes;
    this.#freeStack = free;
  }
}

/** Frames a cache of `bytes` compressed bytes occupies. */
export const framesFor = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE);
