import { type ContentId, FrameState, type Mpn } from '@hvsim/spec';
import { RefCounts } from './ref-counts';

/**
 * Host memory: N frames in struct-of-arrays form (state, content, reference count) and a free stack.
 * 15 bytes per frame, written only once a frame is first used (a terabyte host's frames cost nothing until
 * then). Frame partition counts are kept incrementally so views never scan.
 */
export class FrameTable {
  readonly total: number;
  readonly state: Uint8Array;
  readonly content: Float64Array;
  readonly refs: RefCounts;
  /** Frames freed after use, as a stack: allocation pops them first, most recently freed on top. */
  readonly #freed: Uint32Array;
  #freedTop = 0;
  /** Frames [#fresh, total) have never been used: allocation takes them next, in ascending order. */
  #fresh = 0;
  /** Frames per FrameState. */
  readonly counts = new Float64Array(7);

  constructor(total: number, refCountLimit?: number) {
    this.total = total;
    this.state = new Uint8Array(total);
    this.content = new Float64Array(total);
    this.refs = new RefCounts(total, refCountLimit);
    this.#freed = new Uint32Array(total);
    this.counts[FrameState.Free] = total;
  }

  get free(): number {
    return this.#freedTop + this.total - this.#fresh;
  }

  /** Bytes of the per-frame arrays, as allocated. */
  get byteLength(): number {
    return (
      this.state.byteLength + this.content.byteLength + this.refs.small.byteLength + this.#freed.byteLength
    );
  }

  /** The free frames, the next to be taken last: for invariant checks. */
  *freeFrames(): Generator<Mpn> {
    for (let mpn = this.total - 1; mpn >= this.#fresh; mpn--) yield mpn;
    for (let i = 0; i < this.#freedTop; i++) yield this.#freed[i]!;
  }

  /** Takes a free frame for `state`, holding `content`; -1 when none is free. */
  allocate(state: FrameState, content: ContentId): Mpn | -1 {
    let mpn: Mpn;
    if (this.#freedTop > 0) mpn = this.#freed[--this.#freedTop]!;
    else if (this.#fresh < this.total) mpn = this.#fresh++;
    else return -1;
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
    this.#freed[this.#freedTop++] = mpn;
  }

  /** Re-labels a frame in use (private → shared, in-flight → private). */
  relabel(mpn: Mpn, state: FrameState): void {
    this.counts[this.state[mpn]!]!--;
    this.counts[state]!++;
    this.state[mpn] = state;
  }
}
