/**
 * Writes the targets of `count` accesses of a looping scan over `pages` pages from `base` (base, base + 1, …,
 * base + pages − 1, then from the start again), starting at page `next` of the scan; returns where it stops.
 */
export function loopingScan(
  targets: Float64Array,
  count: number,
  base: number,
  pages: number,
  next: number,
): number {
  for (let i = 0; i < count; i++) {
    targets[i] = base + next;
    if (++next === pages) next = 0;
  }
  return next;
}
