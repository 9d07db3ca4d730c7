import type { ContentId, Mpn } from '@hvsim/spec';

const TWO_32 = 2 ** 32;
/** Bytes per slot: the contents + 1 (a float64; 0: the slot is empty), then the domain and the frame (int32). */
const SLOT_BYTES = 16;

/**
 * The machine's index of shared frames: (sharing domain, contents) → the one shared frame holding them, so no
 * two shared frames of a domain hold the same contents. Open addressing with linear probing, doubled at half
 * full; a removal shifts the entries after it back (no tombstones), so lookups stay short however often
 * frames come and go. A slot's fields sit together in 16 bytes, so a probe reads one cache line. Every share
 * and every last unmap of a shared frame goes through it: a JS `Map` keyed by content ids (doubles) cost a
 * share about as much as the rest of it.
 */
export class SharedIndex {
  /** Slot s: `#keys[2s]` is its contents + 1; `#ints[4s + 2]` its domain, `#ints[4s + 3]` its frame. */
  #keys: Float64Array;
  #ints: Int32Array;
  #mask: number;
  #size = 0;

  /** `capacity`: the slots to start with, a power of two. */
  constructor(capacity = 1024) {
    const buffer = new ArrayBuffer(capacity * SLOT_BYTES);
    this.#keys = new Float64Array(buffer);
    this.#ints = new Int32Array(buffer);
    this.#mask = capacity - 1;
  }

  /** Shared frames indexed. */
  get size(): number {
    return this.#size;
  }

  /** The shared frame of `domain` holding `content`, or -1. */
  get(domain: number, content: ContentId): Mpn | -1 {
    const slot = this.#slot(domain, content);
    return this.#keys[2 * slot] === 0 ? -1 : this.#ints[4 * slot + 3]!;
  }

  /** Indexes `mpn` as the shared frame of `domain` holding `content` (replacing any other). */
  set(domain: number, content: ContentId, mpn: Mpn): void {
    let slot = this.#slot(domain, content);
    if (this.#keys[2 * slot] === 0) {
      if (2 * (this.#size + 1) > this.#mask + 1) {
        this.#grow();
        slot = this.#slot(domain, content);
      }
      this.#keys[2 * slot] = content + 1;
      this.#ints[4 * slot + 2] = domain;
      this.#size++;
    }
    this.#ints[4 * slot + 3] = mpn;
  }

  /** Drops the entry of `domain` and `content`, if any. */
  delete(domain: number, content: ContentId): void {
    const mask = this.#mask;
    const keys = this.#keys;
    const ints = this.#ints;
    let hole = this.#slot(domain, content);
    if (keys[2 * hole] === 0) return;
    // Backward shift: an entry after the hole that probing would not reach past it moves into it.
    for (let next = (hole + 1) & mask; keys[2 * next] !== 0; next = (next + 1) & mask) {
      const home = hash(ints[4 * next + 2]!, keys[2 * next]! - 1) & mask;
      if (((next - home) & mask) < ((next - hole) & mask)) continue;
      keys[2 * hole] = keys[2 * next]!;
      ints[4 * hole + 2] = ints[4 * next + 2]!;
      ints[4 * hole + 3] = ints[4 * next + 3]!;
      hole = next;
    }
    keys[2 * hole] = 0;
    this.#size--;
  }

  /** The slot holding the entry, or the empty slot where it would go. */
  #slot(domain: number, content: ContentId): number {
    const key = content + 1;
    let slot = hash(domain, content) & this.#mask;
    for (let held = this.#keys[2 * slot]!; held !== 0; held = this.#keys[2 * slot]!) {
      if (held === key && this.#ints[4 * slot + 2] === domain) break;
      slot = (slot + 1) & this.#mask;
    }
    return slot;
  }

  #grow(): void {
    const [keys, ints] = [this.#keys, this.#ints];
    const capacity = 2 * (this.#mask + 1);
    const buffer = new ArrayBuffer(capacity * SLOT_BYTES);
    this.#keys = new Float64Array(buffer);
    this.#ints = new Int32Array(buffer);
    this.#mask = capacity - 1;
    for (let s = 0; 2 * s < keys.length; s++) {
      if (keys[2 * s] === 0) continue;
      const domain = ints[4 * s + 2]!;
      const slot = this.#slot(domain, keys[2 * s]! - 1);
      this.#keys[2 * slot] = keys[2 * s]!;
      this.#ints[4 * slot + 2] = domain;
      this.#ints[4 * slot + 3] = ints[4 * s + 3]!;
    }
  }
}

/** murmur3's finaliser over the content id's two 32-bit halves and the domain. */
function hash(domain: number, content: ContentId): number {
  let h =
    (content >>> 0) ^ Math.imul(Math.floor(content / TWO_32), 0x9e3779b1) ^ Math.imul(domain, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
