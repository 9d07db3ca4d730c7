import { OpKind } from '@hvsim/spec';
import { type Decoder, PageIds, SKIPPED, TOO_LARGE_ID } from './decoder';
import { TraceFormatError, type TraceLocation } from './errors';
import type { FileChunks } from './file-chunks';
import { TWO_32 } from './numbers';

/** Bytes per record: uint32 clock_time, uint64 obj_id, uint32 obj_size, int64 next_access_vtime. */
export const ORACLE_GENERAL_RECORD_BYTES = 24;

/**
 * libCacheSim's `oracleGeneral` binary trace (`traceReader/customizedReader/oracle/oracleGeneralBin.h`):
 * packed little-endian records of 24 bytes — uint32 `clock_time` at 0, uint64 `obj_id` at 4, uint32
 * `obj_size` at 12, int64 `next_access_vtime` at 16. Each record is one read of its object's page; time,
 * size and next access are not used. Unlike libCacheSim's cachesim, records of size 0 are not skipped. A
 * final record shorter than 24 bytes is a malformed trace.
 */
export class OracleGeneralDecoder implements Decoder {
  readonly pages: PageIds;
  readonly #chunks: FileChunks;
  #view: DataView;
  /** Offset in the buffer of the next record. */
  #pos = 0;

  constructor(chunks: FileChunks, dense: boolean, scale = 1) {
    this.#chunks = chunks;
    this.pages = new PageIds(dense, scale);
    this.#view = new DataView(chunks.buf.buffer, chunks.buf.byteOffset, chunks.buf.byteLength);
  }

  read(
    target: Float64Array,
    kind: Uint8Array,
    _content: Float64Array | undefined,
    start: number,
    end: number,
  ): number {
    const chunks = this.#chunks;
    const view = this.#view;
    const pages = this.pages;
    const map = pages.map;
    let n = start;
    while (n < end) {
      let pos = this.#pos;
      if (pos + ORACLE_GENERAL_RECORD_BYTES > chunks.filled && !this.#refill()) break;
      pos = this.#pos;
      if (pages.sampled) {
        // A miniature: records the sample drops fill no op, so the loop runs to the end of the buffered
        // records or of the batch, whichever comes first.
        while (n < end && pos + ORACLE_GENERAL_RECORD_BYTES <= chunks.filled) {
          const page = pages.page(view.getUint32(pos + 4, true), view.getUint32(pos + 8, true));
          if (page === TOO_LARGE_ID) throw this.#tooLarge(pos);
          if (page !== SKIPPED) target[n++] = page;
          pos += ORACLE_GENERAL_RECORD_BYTES;
        }
      } else {
        const count = Math.min(end - n, Math.floor((chunks.filled - pos) / ORACLE_GENERAL_RECORD_BYTES));
        const stop = n + count;
        if (map !== undefined) {
          for (; n < stop; n++, pos += ORACLE_GENERAL_RECORD_BYTES) {
            target[n] = map.page(view.getUint32(pos + 4, true), view.getUint32(pos + 8, true));
          }
        } else {
          for (; n < stop; n++, pos += ORACLE_GENERAL_RECORD_BYTES) {
            const hi = view.getUint32(pos + 8, true);
            if (hi >= 0x200000) throw this.#tooLarge(pos);
            target[n] = hi * TWO_32 + view.getUint32(pos + 4, true);
          }
        }
      }
      this.#pos = pos;
    }
    kind.fill(OpKind.Read, start, n);
    return n - start;
  }

  rewind(): void {
    this.#chunks.rewind();
    this.#pos = 0;
  }

  close(): void {
    this.#chunks.close();
  }

  /** Reads on from the next record; false at the end of the file, an error if a partial record is left. */
  #refill(): boolean {
    const chunks = this.#chunks;
    chunks.refill(this.#pos);
    this.#pos = 0;
    if (chunks.filled >= ORACLE_GENERAL_RECORD_BYTES) return true;
    if (chunks.filled === 0) return false;
    throw new TraceFormatError(
      chunks.path,
      recordAt(chunks.base),
      `expected a whole ${ORACLE_GENERAL_RECORD_BYTES}-byte oracleGeneral record (uint32 time, uint64 obj_id, ` +
        `uint32 obj_size, int64 next_access_vtime), found only ${chunks.filled} bytes at the end of the file`,
    );
  }

  #tooLarge(pos: number): TraceFormatError {
    return new TraceFormatError(
      this.#chunks.path,
      recordAt(this.#chunks.base + pos),
      'expected an obj_id below 2^53, the largest exact page number with dense: false',
    );
  }
}

/** The 1-based record starting at a byte offset (buffers hold whole records, so offsets are multiples). */
function recordAt(byteOffset: number): TraceLocation {
  return { record: byteOffset / ORACLE_GENERAL_RECORD_BYTES + 1, byteOffset };
}
