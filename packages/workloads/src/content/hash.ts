/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A stable 32-bit hash of a page number (up to 2^53) and a salt. It depends on nothing else — not the VM,
 * not the seed — so identical VMs classify their pages identically and their OS-image pages line up.
 */
export function hashPage(page: number, salt: number): number {
  const lo = page >>> 0;
  const hi = Math.floor(page / 4294967296) >>> 0;
  return fmix32(lo ^ fmix32(hi ^ Math.imul(salt, 0x9e3779b1) ^ 0x5bd1e995));
}

/** 2^-32: turns a 32-bit hash into a fraction in [0, 1). */
export const U32_TO_UNIT = 1 / 4294967296;
