/**
 * References counted per whole stack distance: the exact builder's tally, kept by `StackDistances.countAll`
 * as it finds each distance, where the count of a random distance is a likely cache miss. A count keeps its
 * low byte in a Uint8Array — a megabyte per million distances, which stays in the CPU's caches where four or
 * eight would not — and its carries, one every 256 references to a distance, in a float apart. First
 * references (an infinite distance) are counted aside.
 */
export class DistanceCounts {
  #low: Uint8Array = new Uint8Array(1024);
  #high: Float64Array = new Float64Array(1024);
  #cold = 0;
  #finite = 0;

  /** Per distance (index 0 unused): the count modulo 256; a counter adds 1 and carries when it wraps. */
  get low(): Uint8Array {
    return this.#low;
  }

  /** Per distance: the count's multiples of 256. */
  get high(): Float64Array {
    return this.#high;
  }

  /** References at a finite distance counted so far. */
  get finite(): number {
    return this.#finite;
  }

  /** References at an infinite distance (first references) counted so far. */
  get cold(): number {
    return this.#cold;
  }

  /** Makes room for distances up to `bound`, so a counting loop needs no check. */
  reserve(bound: number): void {
    if (bound < this.#low.length) return;
    const size = Math.max(2 * this.#low.length, bound + 1);
    const low = new Uint8Array(size);
    const high = new Float64Array(size);
    low.set(this.#low);
    high.set(this.#high);
    this.#low = low;
    this.#high = high;
  }

  /** A counting loop counted `finite` references in `low` and `high`, and saw `cold` first references. */
  counted(finite: number, cold: number): void {
    this.#finite += finite;
    this.#cold += cold;
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
}
