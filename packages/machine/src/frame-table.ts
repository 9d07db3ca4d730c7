import { type ContentId, FrameState, type Mpn } from '@hvsim/spec';
import { RefCounts } from './ref-counts';

/**
 * Host memory: N frames in struct-of-arrays form (state, content, reference count) and a free stack.
 * 15 bytes per frame. Frame partition counts are kept incrementally so views never scan.
 */
export class FrameTable {
  readonly total: number;
  readonly state: Uint8Array;
  readonly content: Float64Array;
  readonly refs: RefCounts;
  /** Free frames as a stack; allocation pops, so a fresh host hands out frames in ascending order. */
  readonly freeStack: Uint32Array;
  freeTop = 0;
  /** Frames per FrameState. */
  readonly counts = new Float64Array(7);

  constructor(total: number, refCountLimit?: number) {
    this.total = total;
    this.state = new Uint8Array(total);
    this.content = new Float64Array(total);
    this.refs = new RefCounts(total, refCountLimit);
    this.freeStack = new Uint32Array(total);
    for (let mpn = total - 1; mpn >= 0; mpn--) this.freeStack[this.freeTop++] = mpn;
    this.counts[FrameState.Free] = total;
  }

  get free(): number {
    return this.freeTop;
  }

  /** Takes a free frame for `state`, holding `content`; -1 when none is free. */
  allocate(state: FrameState, content: ContentId): Mpn | -1 {
    if (this.freeTop === 0) return -1;
    const mpn = this.freeStack[--this.freeTop]!;
    this.state[mpn] = state;
    this.content[mpn] = content;
    this.counts[FrameState.Free]!--;
    this.counts[state]!++;
    return mpn;
  }

  release(mpn: Mpn): void {
    this.counts[this.state[mpn]!]!--;
    this.counts[FrameState.Free]!++;
    this.state[mpn] = FrameState.Free;
    this.content[mpn] = 0;
    this.freeStack[this.freeTop++] = mpn;
  }

  /** Re-labels a frame in use (private → shared, in-flight → private). */
  relabel(mpn: Mpn, state: FrameState): void {
    this.counts[this.state[mpn]!]!--;
    this.counts[state]!++;
    this.state[mpn] = state;
  }
}
