/** 2^−32, to take an id's high 32-bit half (a multiply: exact, and cheaper than dividing by 2^32). */
const TWO_MINUS_32 = 2 ** -32;

/**
 * A 32-bit hash of a page id (any non-negative safe integer) for SHARDS' spatial sampling: the high half is
 * folded into the low one, then murmur3's fmix32 finaliser spreads every input bit over every output bit,
 * so `hash mod 2^24 < T` picks a uniform-looking, deterministic subset of ids. The golden-ratio offset keeps
 * id 0 from hashing to 0 (which every threshold would sample).
 */
export function idHash(id: number): number {
  const lo = id >>> 0;
  // Ids below 2^32 (all that SHARDS feeds) skip the high half, which is 0 for them.
  let h = lo === id ? lo : lo ^ Math.imul(((id - lo) * TWO_MINUS_32) >>> 0, 0x27d4eb2f);
  h = (h + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
