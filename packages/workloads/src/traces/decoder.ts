import { SpatialSample } from '../spatial-sample';
import { DenseIdMap } from './id-map';
import { TWO_32 } from './numbers';

/**
 * What each trace format implements: decode records into the op arrays of a batch. `kind` receives an
 * `OpKind` (Read, Write, FileRead, FileWrite); `content` receives the content id of writes whose format
 * carries one (hvsim-csv) and `NO_CONTENT` for its other records — formats without contents leave it alone.
 */
export interface Decoder {
  /** Decodes records into `[start, end)` of the arrays; returns how many, 0 at the end of the trace. */
  read(
    target: Float64Array,
    kind: Uint8Array,
    content: Float64Array | undefined,
    start: number,
    end: number,
  ): number;
  /** Back to the first record; pages handed out so far keep their ids. */
  rewind(): void;
  close(): void;
  /** Pages of anonymous memory (every format). */
  readonly pages: PageIds;
  /** Blocks of the virtual disk (hvsim-csv's `fr`/`fw` records). */
  readonly blocks?: PageIds;
}

/** Content of a decoded record that carries none: the workload's write policy picks one. */
export const NO_CONTENT = -1;

/** `PageIds.page` of an id that does not fit 2^53 when ids are not dense. */
export const TOO_LARGE_ID = -1;
/** `PageIds.page` of an id a miniature's spatial sample leaves out: the decoder drops its record. */
export const SKIPPED = -2;

/**
 * Ids (object ids, page numbers of addresses) as pages: dense in first-seen order, or the id itself. In a
 * miniature at `scale`, only the ids of the spatial sample are kept, and they are numbered in first-seen
 * order even when not dense: own numbers, spread over the full-size range, would not fit the miniature VM,
 * and dividing them would make neighbours collide.
 */
export class PageIds {
  readonly map: DenseIdMap | undefined;
  readonly dense: boolean;
  readonly #sample: SpatialSample | undefined;

  constructor(dense: boolean, scale = 1) {
    this.dense = dense;
    this.map = dense || scale > 1 ? new DenseIdMap() : undefined;
    this.#sample = scale > 1 ? new SpatialSample(scale) : undefined;
  }

  /** Whether ids pass through a spatial sample (a miniature). */
  get sampled(): boolean {
    return this.#sample !== undefined;
  }

  /** The page of the id `hi * 2^32 + lo`: TOO_LARGE_ID or SKIPPED when there is none. */
  page(lo: number, hi: number): number {
    // Checked before sampling, so a miniature rejects the same traces as the full size.
    if (!this.dense && hi >= 0x200000) return TOO_LARGE_ID;
    if (this.#sample !== undefined && !this.#sample.keeps(lo, hi)) return SKIPPED;
    const map = this.map;
    return map !== undefined ? map.page(lo, hi) : hi * TWO_32 + lo;
  }

  /** The raw id behind a page. */
  id(page: number): bigint {
    if (this.map !== undefined) return this.map.id(page);
    if (!Number.isSafeInteger(page) || page < 0) throw new RangeError(`${page} is not a page number`);
    return BigInt(page);
  }
}
