import { InvalidInputError } from '@hvsim/spec';
import { PageHash } from './content/hash';

/** Salt of the sampling hash: one constant, so every VM, trace format and file keeps the same ids. */
const SAMPLE_SALT = 0x53484152;

/**
 * The spatial sample of a miniature at scale R (SHARDS, Waldspurger et al., FAST 2015): an id is kept iff
 * its hash falls in the lowest 1/R of the 32-bit hash space. The hash depends on the id alone — not the VM,
 * the seed or the format — so a page is kept in every VM or in none, and identical pages stay identical
 * across VMs; its salt differs from the content models', so which pages are kept says nothing of their class.
 */
export class SpatialSample {
  readonly scale: number;
  readonly #hash = new PageHash(SAMPLE_SALT);
  readonly #below: number;

  constructor(scale: number) {
    if (!(scale >= 1)) throw new InvalidInputError('scale', `expected a scale of at least 1, got ${scale}`);
    this.scale = scale;
    this.#below = 2 ** 32 / scale;
  }

  /** Whether the id `hi · 2^32 + lo` (uint32 halves) is in the sample. */
  keeps(lo: number, hi: number): boolean {
    return this.#hash.ofHalves(lo, hi) < this.#below;
  }
}
