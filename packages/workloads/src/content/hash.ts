/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hash of the 64-bit value `hi · 2^32 + lo` (uint32 halves) and a salt. */
function hashHalves(lo: number, hi: number, salt: number): number {
  return fmix32(lo ^ fmix32(hi ^ Math.imul(salt, 0x9e3779b1) ^ 0x5bd1e995));
}

/**
 * A stable 32-bit hash of a page number (up to 2^53) and a salt. It depends on nothing else — not the VM,
 * not the seed — so identical VMs classify their pages identically and their OS-image pages line up.
 */
export function hashPage(page: number, salt: number): number {
  return hashHalves(page >>> 0, Math.floor(page / 4294967296) >>> 0, salt);
}

/**
 * `hashPage` with one salt, for hot loops: below 2^32 a page's high word is 0, so the salt's half of the
 * hash is computed once and a page costs one finaliser.
 */
export class PageHash {
  readonly #salt: number;
  readonly #key: number;

  constructor(salt: number) {
    this.#salt = salt;
    this.#key = fmix32(Math.imul(salt, 0x9e3779b1) ^ 0x5bd1e995);
  }

  of(page: number): number {
    return page >= 0 && page < 4294967296 ? fmix32(page ^ this.#key) : hashPage(page, this.#salt);
  }

  /** The hash of a 64-bit id given as uint32 halves (ids of traces may exceed 2^53). */
  ofHalves(lo: number, hi: number): number {
    return hi === 0 ? fmix32(lo ^ this.#key) : hashHalves(lo, hi, this.#salt);
  }
}
