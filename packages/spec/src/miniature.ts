import type { Pages } from './units';

// Miniature simulation (Waldspurger et al., USENIX ATC 2017): at scale R one simulated page stands for R
// pages, so a host R times smaller, seeing 1/R of the references, behaves as the full host does over the
// same simulated time. Counts of pages and rates in pages divide by R; costs per page or per op multiply by
// R; fractions, times and costs per event whose number does not grow with pages stay.

/** The largest scale: beyond it even a 1 TiB host is a few thousand pages, and nothing is left to sample. */
export const MAX_SCALE = 4096;

/** The scale a factory was created at: `context.scale`, 1 (full size) when absent. */
export const scaleOf = (context: { readonly scale?: number }): number => context.scale ?? 1;

/**
 * A count of pages at scale R: rounded to the nearest page, never below one unless it was 0 (an empty
 * region stays empty, a page or more stays at least one).
 */
export const scalePages = (pages: Pages, scale: number): Pages =>
  pages === 0 || scale === 1 ? pages : Math.max(1, Math.round(pages / scale));

/**
 * Whole units per period of a rate that may be fractional at scale R (a scan budget of 100 pages per
 * wake-up is 1.5625 at R = 64): each call returns the whole units due, carrying the remainder, so that over
 * many periods the count is exact.
 */
export function fractionalRate(perPeriod: number): () => number {
  let carried = 0;
  return () => {
    carried += perPeriod;
    const whole = Math.floor(carried);
    carried -= whole;
    return whole;
  };
}
