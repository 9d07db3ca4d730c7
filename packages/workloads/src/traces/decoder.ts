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

/** Ids (object ids, page numbers of addresses) as pages: dense in first-seen order, or the id itself. */
export class PageIds {
  readonly map: DenseIdMap | undefined;

  constructor(dense: boolean) {
    this.map = dense ? new DenseIdMap() : undefined;
  }

  get dense(): boolean {
    return this.map !== undefined;
  }

  /** The page of the id `hi * 2^32 + lo`; -1 when not dense and the id does not fit 2^53. */
  page(lo: number, hi: number): number {
    const map = this.map;
    if (map !== undefined) return map.page(lo, hi);
    return hi < 0x200000 ? hi * TWO_32 + lo : -1;
  }

  /** The raw id behind a page. */
  id(page: number): bigint {
    if (this.map !== undefined) return this.map.id(page);
    if (!Number.isSafeInteger(page) || page < 0) throw new RangeError(`${page} is not a page number`);
    return BigInt(page);
  }
}
