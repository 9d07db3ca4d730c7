import { type ContentId, type Mpn, NONE, type SimTime, type SwapSlot } from '@hvsim/spec';

/**
 * The host swap device: slots holding page contents, and the queue of page-out writes in flight. A page-out
 * keeps its frame (state in-flight) until the write completes; an access before then takes the frame back
 * without I/O. Writes complete in issue order because they all take the same latency. Nothing is written per
 * slot until the slot is first used (a free slot's words are all zero), so a large device costs memory only
 * as it fills: 2 TiB of swap is half a billion slots.
 */
export class SwapDevice {
  readonly slots: number;
  readonly content: Float64Array;
  /** Frame still holding the slot's contents while its write is in flight, plus one; 0 when none. */
  readonly #inFlight: Uint32Array;
  /** Write generation per slot, so a completion for an earlier use of a reused slot is ignored. */
  readonly generation: Uint32Array;
  /** Slots freed after use, taken first (most recent on top); then the never-used ones, in ascending order. */
  readonly #freed: Uint32Array;
  #freedTop = 0;
  /** Slots [0, #fresh) have been used. */
  #fresh = 0;

  // Completion queue (ring of slot, generation, time), grown by doubling.
  #qSlot = new Uint32Array(64);
  #qGen = new Uint32Array(64);
  #qTime = new Float64Array(64);
  #qHead = 0;
  #qSize = 0;

  constructor(slots: number) {
    this.slots = slots;
    this.content = new Float64Array(slots);
    this.#inFlight = new Uint32Array(slots);
    this.generation = new Uint32Array(slots);
    this.#freed = new Uint32Array(slots);
  }

  get used(): number {
    return this.#fresh - this.#freedTop;
  }

  /** Frame still holding the slot's contents while its write is in flight, else NONE. */
  inFlightFrame(slot: SwapSlot): Mpn {
    const frame = this.#inFlight[slot]!;
    return frame === 0 ? NONE : frame - 1;
  }

  /** Bytes of the per-slot arrays (as allocated; the pages of those never used are not resident). */
  get byteLength(): number {
    return (
      this.content.byteLength +
      this.#inFlight.byteLength +
      this.generation.byteLength +
      this.#freed.byteLength
    );
  }

  get pendingWrites(): number {
    return this.#qSize;
  }

  /** Takes a slot holding `content`; -1 when the device is full. */
  allocate(content: ContentId): SwapSlot | -1 {
    let slot: SwapSlot;
    if (this.#freedTop > 0) slot = this.#freed[--this.#freedTop]!;
    else if (this.#fresh < this.slots) slot = this.#fresh++;
    else return -1;
    this.content[slot] = content;
    return slot;
  }

  /** Frees a slot. A write still in flight for it is forgotten; its frame is returned to the caller to free. */
  release(slot: SwapSlot): Mpn | -1 {
    const frame = this.#inFlight[slot]!;
    this.#inFlight[slot] = 0;
    this.generation[slot] = (this.generation[slot]! + 1) >>> 0;
    this.content[slot] = 0;
    this.#freed[this.#freedTop++] = slot;
    return frame - 1;
  }

  /** Queues the write of `slot`, whose contents `frame` holds until `completesAt` (NONE: no frame to free). */
  startWrite(slot: SwapSlot, frame: Mpn, completesAt: SimTime): void {
    this.#inFlight[slot] = frame === NONE ? 0 : frame + 1;
    if (this.#qSize === this.#qSlot.length) this.#grow();
    const i = (this.#qHead + this.#qSize++) & (this.#qSlot.length - 1);
    this.#qSlot[i] = slot;
    this.#qGen[i] = this.generation[slot]!;
    this.#qTime[i] = completesAt;
  }

  /** Takes back the frame of a write in flight (an access arrived first); the slot stays allocated. */
  cancelWrite(slot: SwapSlot): Mpn | -1 {
    const frame = this.#inFlight[slot]!;
    this.#inFlight[slot] = 0;
    this.generation[slot] = (this.generation[slot]! + 1) >>> 0;
    return frame - 1;
  }

  /** Completes every write due by `now`, calling `freeFrame` for each frame a completed write lets go. */
  complete(now: SimTime, freeFrame: (mpn: Mpn) => void): void {
    const mask = this.#qSlot.length - 1;
    while (this.#qSize > 0 && this.#qTime[this.#qHead]! <= now) {
      const slot = this.#qSlot[this.#qHead]!;
      if (this.#qGen[this.#qHead] === this.generation[slot]) {
        const frame = this.#inFlight[slot]!;
        this.#inFlight[slot] = 0;
        if (frame !== 0) freeFrame(frame - 1);
      }
      this.#qHead = (this.#qHead + 1) & mask;
      this.#qSize--;
    }
  }

  #grow(): void {
    const n = this.#qSlot.length;
    const slot = new Uint32Array(n * 2);
    const gen = new Uint32Array(n * 2);
    const time = new Float64Array(n * 2);
    for (let k = 0; k < this.#qSize; k++) {
      const i = (this.#qHead + k) & (n - 1);
      slot[k] = this.#qSlot[i]!;
      gen[k] = this.#qGen[i]!;
      time[k] = this.#qTime[i]!;
    }
    this.#qSlot = slot;
    this.#qGen = gen;
    this.#qTime = time;
    this.#qHead = 0;
  }
}
