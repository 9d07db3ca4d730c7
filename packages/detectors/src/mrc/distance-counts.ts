/**
 * References counted per whole stack distance: the exact builder's tally on its hot path, where the count
 * of a random distance is a likely cache miss. Counts keep their low byte in a Uint8Array — a megabyte per
 * million distances, which stays in the CPU's caches where four or eight would not — and the rest, touched
 * once every 256 references to a distance, apart. Infinite distances (first references) are counted aside.
 */
export class DistanceCounts {
  /** Per distance (index 0 unused): the count modulo 256, and the count's multiples of 256. */
  #low: Uint8Array = new Uint8Array(1024);
  #high: Float64Array = new Float64Array(1024);
  #cold = 0;
  #finite = 0;

  /** References at a finite distance counted so far. */
  get finite(): number {
    return this.#finite;
  }

  /** References at an infinite distance (first references) counted so far. */
  get cold(): number {
    return this.#cold;
  }

  /**
   * Counts `distances[start..end)`: whole numbers from 1 to `bound`, or Infinity. The bound (a stack's
   * distinct ids) sizes the counts before the loop, which then checks nothing.
   */
  addAll(distances: Float64Array, start: number, end: number, bound: number): void {
    if (bound >= this.#low.length) this.#grow(bound);
    const low = this.#low;
    const high = this.#high;
    let cold = 0;
    for (let i = start; i < end; i++) {
      const d = distances[i]!;
      if (d === Number.POSITIVE_INFINITY) cold++;
      else {
        const count = low[d]! + 1;
        low[d] = count; // 256 wraps to 0…
        if (count === 256) high[d]!++; // …and carries
      }
    }
    this.#cold += cold;
    this.#finite += end - start - cold;
  }

  /** The counts per distance so far (index 0 unused) and of first references, and starts afresh. */
  take(): { readonly counts: Float64Array; readonly cold: number } {
    const low = this.#low;
    const high = this.#high;
    let top = low.length - 1;
    while (top > 0 && low[top] === 0 && high[top] === 0) top--;
    const counts = new Float64Array(top + 1);
    for (let d = 1; d <= top; d++) counts[d] = high[d]! * 256 + low[d]!;
    low.fill(0, 0, top + 1);
    high.fill(0, 0, top + 1);
    const cold = this.#cold;
    this.#cold = 0;
    this.#finite = 0;
    return { counts, cold };
  }

  #grow(distance: number): void {
    const size = Math.max(2 * this.#low.length, distance + 1);
    const low = new Uint8Array(size);
    const high = new Float64Array(size);
    low.set(this.#low);
    high.set(this.#high);
    this.#low = low;
    this.#high = high;
  }
}
