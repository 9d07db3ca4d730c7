/**
 * The translation fast path: a tight loop over a batch of accesses that only tests each page's flag byte.
 * It is a standalone function over typed arrays (no `this`, no calls) so V8 keeps one small, monomorphic
 * optimised loop; it stops at the first access that needs the hypervisor and returns its index.
 */

/** Writes done by the last call (a module slot, so the loop needs no result object). */
export let fastWrites = 0;

export function fastAccesses(
  flags: Uint8Array,
  loc: Uint32Array,
  frameContent: Float64Array,
  ppns: Uint32Array,
  writes: Uint8Array,
  contents: Float64Array,
  from: number,
  to: number,
  readMask: number,
): number {
  const pages = flags.length;
  let w = 0;
  let i = from;
  for (; i < to; i++) {
    const ppn = ppns[i]!;
    if (ppn >= pages) break;
    const f = flags[ppn]!;
    if (writes[i] === 0) {
      if ((f & readMask) !== 0) break;
    } else {
      if (f !== 0) break;
      frameContent[loc[ppn]!] = contents[i]!;
      w++;
    }
  }
  fastWrites = w;
  return i;
}
