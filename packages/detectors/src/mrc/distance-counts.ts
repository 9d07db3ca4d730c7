/** The most references a Uint32 count can hold. */
const UINT32_MAX = 2 ** 32 - 1;

/**
 * References counted per whole stack distance: the exact builder's tally on its hot path. An integer
 * increment into a Uint32Array costs about half what a scaled float add into a histogram does and takes half
 * the cache; before any count could wrap the counts spill into float totals. Infinite distances (first
 * references) are counted apart.
 */
export class DistanceCounts {
  #counts: Uint32Array = new Uint32Array(1024);
  /** Counts moved out of `#counts` before they could wrap; allocated at the first spill. */
  #spilled: Float64Array | undefined;
  /** References added to `#counts` since they were last emptied. */
  #pending = 0;
  #cold = 0;
  #finite = 0;
  readonly #spillAt: number;

  /** `spillAt`: references after which the integer counts spill (tests set it low to see a spill). */
  constructor(spillAt = UINT32_MAX) {
    this.#spillAt = spillAt;
  }

  /** References at a finite distance counted so far. */
  get finite(): number {
    return this.#finite;
  }

  /** References at an infinite distance (first references) counted so far. */
  get cold(): number {
    return this.#cold;
  }

  /** Counts `distances[start..end)`: whole numbers from 1, or Infinity. */
  addAll(distances: Float64Array, start: number, end: number): void {
    if (this.#pending + (end - start) > this.#spillAt) this.#spill();
    let counts = this.#counts;
    let cold = 0;
    for (let i = start; i < end; i++) {
      const d = distances[i]!;
      if (d === Number.POSITIVE_INFINITY) cold++;
      else {
        if (d >= counts.length) counts = this.#grow(d);
        counts[d]!++;
      }
    }
    this.#cold += cold;
    this.#finite += end - start - cold;
    this.#pending += end - start;
  }

  /** The counts per distance so far (index 0 unused) as float totals, and starts afresh. */
  take(): { readonly counts: Float64Array; readonly cold: number } {
    this.#spill();
    const counts = this.#spilled ?? new Float64Array(1);
    const cold = this.#cold;
    this.#spilled = undefined;
    this.#cold = 0;
    this.#finite = 0;
    return { counts, cold };
  }

  /** Moves the integer counts into the float totals. */
  #spill(): void {
    const counts = this.#counts;
    let top = counts.length - 1;
    while (top > 0 && counts[top] === 0) top--;
    if (top > 0) {
      let spilled = this.#spilled;
      if (!spilled || spilled.length <= top) {
        const grown = new Float64Array(Math.max(counts.length, 1));
        if (spilled) grown.set(spilled);
        spilled = this.#spilled = grown;
      }
      for (let d = 1; d <= top; d++) spilled[d]! += counts[d]!;
      counts.fill(0, 1, top + 1);
    }
    this.#pending = 0;
  }

  #grow(distance: number): Uint32Array {
    const grown = new Uint32Array(Math.max(2 * this.#counts.length, distance + 1));
    grown.set(this.#counts);
    this.#counts = grown;
    return grown;
  }
}
