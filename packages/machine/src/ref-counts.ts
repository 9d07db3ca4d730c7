import type { Mpn } from '@hvsim/spec';

/**
 * Reference counts as ESX keeps them: a small count inside each frame's entry, and an overflow table for the
 * rare frames mapped more often than the small field holds (the OOZE trick). The in-frame value `limit`
 * means "look in the overflow table".
 */
export class RefCounts {
  readonly small: Uint16Array;
  readonly overflow = new Map<Mpn, number>();
  /** In-frame value that marks an overflowed count: 0xffff for the 16-bit field; tests may lower it. */
  readonly limit: number;

  constructor(frames: number, limit = 0xffff) {
    this.small = new Uint16Array(frames);
    this.limit = limit;
  }

  get(mpn: Mpn): number {
    const c = this.small[mpn]!;
    return c === this.limit ? this.overflow.get(mpn)! : c;
  }

  set(mpn: Mpn, count: number): void {
    if (count >= this.limit) {
      this.small[mpn] = this.limit;
      this.overflow.set(mpn, count);
    } else {
      if (this.small[mpn] === this.limit) this.overflow.delete(mpn);
      this.small[mpn] = count;
    }
  }

  increment(mpn: Mpn): number {
    const count = this.get(mpn) + 1;
    this.set(mpn, count);
    return count;
  }

  decrement(mpn: Mpn): number {
    const count = this.get(mpn) - 1;
    this.set(mpn, count);
    return count;
  }
}
