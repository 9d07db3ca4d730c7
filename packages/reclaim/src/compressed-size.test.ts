import { ContentStore } from '@hvsim/machine';
import { createRandom, PAGE_SIZE, ZERO_CONTENT } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { CompressedSizes } from './compressed-size';

/** A page whose first `random` bytes are random and the rest one repeated byte. */
function page(random: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(PAGE_SIZE).fill(7);
  const stream = createRandom(seed);
  for (let i = 0; i < random; i++) bytes[i] = stream.nextInt(256);
  return bytes;
}

describe('compressed sizes', () => {
  it('compress real bytes with lz4: the zero page to almost nothing, random bytes not at all', () => {
    const store = new ContentStore();
    const sizes = new CompressedSizes(store, 0.4);
    expect(sizes.of(ZERO_CONTENT)).toBeLessThan(64);
    expect(sizes.of(store.intern(page(PAGE_SIZE)))).toBe(PAGE_SIZE);
    const quarter = sizes.of(store.intern(page(PAGE_SIZE / 4)));
    expect(quarter).toBeGreaterThan(PAGE_SIZE / 4);
    expect(quarter).toBeLessThan(PAGE_SIZE / 4 + 64);
    // Without a store the zero page is still known bytes.
    expect(new CompressedSizes(undefined, 0.4).of(ZERO_CONTENT)).toBe(sizes.of(ZERO_CONTENT));
  });

  it('size each real content once, however many ids the store holds', () => {
    const store = new ContentStore();
    const ids = Array.from({ length: 3000 }, (_, i) => store.intern(page(64 + (i % 100), i)));
    const sizes = new CompressedSizes(store, 0.4);
    const first = ids.map((id) => sizes.of(id));
    expect(ids.map((id) => sizes.of(id))).toEqual(first);
    for (const [i, bytes] of first.entries()) expect(bytes).toBeGreaterThanOrEqual(64 + (i % 100));
  });

  it('give a synthetic content a fixed size from its id, within ±50% of the share', () => {
    const sizes = new CompressedSizes(new ContentStore(), 0.4);
    const again = new CompressedSizes(undefined, 0.4);
    const all = Array.from({ length: 1000 }, (_, i) => 2 ** 51 + i * 7919);
    const bytes = all.map((id) => sizes.of(id));
    expect(all.map((id) => again.of(id))).toEqual(bytes);
    for (const b of bytes) {
      expect(b).toBeGreaterThanOrEqual(Math.round(0.2 * PAGE_SIZE));
      expect(b).toBeLessThanOrEqual(Math.round(0.6 * PAGE_SIZE));
    }
    const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
    expect(mean / PAGE_SIZE).toBeCloseTo(0.4, 1);
    expect(new CompressedSizes(undefined, 1).of(3)).toBeLessThanOrEqual(PAGE_SIZE);
  });
});
