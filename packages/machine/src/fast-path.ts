/**
 * The translation fast path: a tight loop over a batch of accesses that only tests each page's flag byte.
 * It is a standalone function over typed arrays (no `this`, no calls) so V8 keeps one small, monomorphic
 * optimised loop; it stops at the first access that needs the hypervisor (or is invalid) and returns its index.
 */

/** Writes done by the last call (a module slot, so the loop needs no result object). */
export let fastWrites = 0;

/** `ops[i]` is a page number, with the top bit set for a write (see `accessOp` in the spec). */
export function fastAccesses(
  flags: Uint8Array,
  loc: Uint32Array,
  frameContent: Float64Array,
  ops: Uint32Array,
  contents: Float64Array,
  from: number,
  to: number,
  readMask: number,
): number {
  const pages = flags.length;
  let w = 0;
  let i = from;
  for (; i < to; i++) {
    const op = ops[i]!;
    const ppn = op & 0x7fffffff;
    if (ppn >= pages) break;
    const f = flags[ppn]!;
    if (op === ppn) {
      if ((f & readMask) !== 0) break;
    } else {
      const content = contents[i]!;
      // Not a content id (negative, fractional, NaN, too large): the caller reports it.
      if (f !== 0 || !(content >= 0 && content <= Number.MAX_SAFE_INTEGER && content === Math.floor(content)))
        break;
      frameContent[loc[ppn]!] = content;
      w++;
    }
  }
  fastWrites = w;
  return i;
}
