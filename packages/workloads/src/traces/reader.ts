import { InvalidInputError, MAX_SCALE } from '@hvsim/spec';
import { type Decoder, NO_CONTENT } from './decoder';
import { TraceFileError } from './errors';
import { DEFAULT_BUFFER_BYTES, FileChunks } from './file-chunks';
import { HvsimCsvDecoder } from './hvsim-csv';
import { LackeyDecoder } from './lackey';
import { CsvDecoder } from './libcachesim-csv';
import { TxtDecoder } from './libcachesim-txt';
import { ORACLE_GENERAL_RECORD_BYTES, OracleGeneralDecoder } from './oracle-general';

export const TRACE_FORMATS = ['lackey', 'txt', 'csv', 'oracleGeneral', 'hvsim-csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Smallest read buffer accepted (tests use small ones to cross buffer boundaries often). */
export const MIN_BUFFER_BYTES = 32;

export interface TraceReaderOptions {
  /**
   * Map ids to dense pages in first-seen order, so N distinct ids touch pages [0, N) (default true; false
   * for hvsim-csv, whose pages are used as written). When false the id itself is the page, and an id of
   * 2^53 or more is an error.
   */
  readonly dense?: boolean;
  /**
   * Keep the records of a spatial sample of 1/scale of the ids (pages and blocks), for a miniature at this
   * scale (default 1: every record). The same ids are kept in every VM and every format; kept ids are
   * numbered in first-seen order, even when not dense.
   */
  readonly scale?: number;
  /** Bytes of the read buffer (default 1 MiB); a text line longer than it grows it. */
  readonly bufferBytes?: number;
  /** txt and csv: ids are integers (default), or with false any text, hashed to 64 bits (needs dense). */
  readonly objIdIsNum?: boolean;
  /** csv: 1-based column of the object id (default 1; libCacheSim `obj-id-col`). */
  readonly objIdCol?: number;
  /** csv: 1-based column of a timestamp, checked to be a number (libCacheSim `time-col`; default none). */
  readonly timeCol?: number;
  /** csv: skip the first line (default false; libCacheSim `has-header`). */
  readonly hasHeader?: boolean;
  /** csv: the one-character field delimiter (default ","; "\t" for tabs; libCacheSim `delimiter`). */
  readonly delimiter?: string;
}

const CSV_ONLY = ['objIdCol', 'timeCol', 'hasHeader', 'delimiter'] as const;

/** A trace file being read, front to back, one batch at a time. */
export interface TraceReader {
  readonly path: string;
  readonly format: TraceFormat;
  readonly dense: boolean;
  /** Records read since the trace was opened or last rewound (in a miniature, records kept). */
  readonly position: number;
  /** Whether `close` was called. */
  readonly closed: boolean;
  /**
   * Distinct pages handed out so far (dense readers and miniatures; blocks of hvsim-csv not included), else
   * undefined.
   */
  readonly distinctPages: number | undefined;
  /**
   * Reads up to `pages.length` references: the page of each, and 1 in `isWrite` for writes. Returns how
   * many, 0 at the end of the trace. hvsim-csv's `fr`/`fw` records appear as reads and writes of their
   * block number (use `nextOps` to tell them apart).
   */
  next(pages: Float64Array, isWrite: Uint8Array): number;
  /**
   * Reads records into `[start, end)` (default: the whole arrays) as ops: `kind` an `OpKind` (Read, Write,
   * FileRead or FileWrite), `target` the page or block, `content` the content id a record gives for a write
   * or `NO_CONTENT`. Returns how many, 0 at the end of the trace.
   */
  nextOps(
    target: Float64Array,
    kind: Uint8Array,
    content: Float64Array,
    start?: number,
    end?: number,
  ): number;
  /** The id in the trace behind a page (an object id; for lackey the page number, address >> 12). */
  rawId(page: number): bigint;
  /** The id in the trace behind a block of hvsim-csv's `fr`/`fw` records. */
  rawBlockId(block: number): bigint;
  /** Back to the first record. Dense pages keep their ids, so a replay touches the same pages. */
  rewind(): void;
  /** Releases the file; further reads throw. Idempotent. */
  close(): void;
}

/**
 * Opens a trace file for streaming reads through a fixed buffer (synchronous, so a workload's `fill` can
 * read). Throws a `TraceFileError` when the file cannot be opened and `InvalidInputError` for options that
 * do not fit the format; malformed records throw a `TraceFormatError` when they are read.
 */
export function openTrace(path: string, format: TraceFormat, options: TraceReaderOptions = {}): TraceReader {
  const field = (name: string) => `trace.${name}`;
  if (!(TRACE_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError(
      field('format'),
      `expected one of ${TRACE_FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const dense = options.dense ?? format !== 'hvsim-csv';
  const bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
  if (!Number.isSafeInteger(bufferBytes) || bufferBytes < MIN_BUFFER_BYTES) {
    throw new InvalidInputError(
      field('bufferBytes'),
      `expected an integer ≥ ${MIN_BUFFER_BYTES}, got ${bufferBytes}`,
    );
  }
  if (format !== 'csv') {
    for (const key of CSV_ONLY) {
      if (options[key] !== undefined)
        throw new InvalidInputError(field(key), `applies to the csv format only, not ${format}`);
    }
  }
  if (options.objIdIsNum !== undefined && format !== 'csv' && format !== 'txt') {
    throw new InvalidInputError(
      field('objIdIsNum'),
      `applies to the txt and csv formats only, not ${format}`,
    );
  }
  const objIdIsNum = options.objIdIsNum ?? true;
  if (!objIdIsNum && !dense) {
    throw new InvalidInputError(
      field('dense'),
      'text ids (objIdIsNum: false) are hashed, so they need dense: true',
    );
  }
  const csv = format === 'csv' ? csvLayout(options, objIdIsNum) : undefined;
  const scale = options.scale ?? 1;
  if (!(scale >= 1 && scale <= MAX_SCALE)) {
    throw new InvalidInputError(field('scale'), `expected a scale in [1, ${MAX_SCALE}], got ${scale}`);
  }

  const chunkBytes =
    format === 'oracleGeneral'
      ? Math.max(1, Math.floor(bufferBytes / ORACLE_GENERAL_RECORD_BYTES)) * ORACLE_GENERAL_RECORD_BYTES
      : bufferBytes;
  const chunks = new FileChunks(path, chunkBytes);
  let decoder: Decoder;
  switch (format) {
    case 'lackey':
      decoder = new LackeyDecoder(chunks, dense, scale);
      break;
    case 'txt':
      decoder = new TxtDecoder(chunks, dense, objIdIsNum, scale);
      break;
    case 'csv':
      decoder = new CsvDecoder(chunks, dense, csv!, scale);
      break;
    case 'oracleGeneral':
      decoder = new OracleGeneralDecoder(chunks, dense, scale);
      break;
    case 'hvsim-csv':
      decoder = new HvsimCsvDecoder(chunks, dense, scale);
      break;
  }
  return new Reader(path, format, dense, decoder, chunks);
}

function csvLayout(options: TraceReaderOptions, objIdIsNum: boolean) {
  const column = (name: 'objIdCol' | 'timeCol', fallback: number) => {
    const value = options[name] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidInputError(`trace.${name}`, `expected a 1-based column number, got ${value}`);
    }
    return value;
  };
  const objIdCol = column('objIdCol', 1);
  const timeCol = options.timeCol === undefined ? 0 : column('timeCol', 0);
  if (timeCol === objIdCol) {
    throw new InvalidInputError('trace.timeCol', `expected a column other than objIdCol (${objIdCol})`);
  }
  const delimiter = options.delimiter ?? ',';
  const code = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || code > 0x7f || code === 10 || code === 13 || code === 34) {
    throw new InvalidInputError(
      'trace.delimiter',
      `expected one ASCII character other than a line break or a quote, got ${JSON.stringify(delimiter)}`,
    );
  }
  return { objIdCol, timeCol, hasHeader: options.hasHeader ?? false, delimiter: code, objIdIsNum };
}

class Reader implements TraceReader {
  position = 0;
  readonly #decoder: Decoder;
  readonly #chunks: FileChunks;

  constructor(
    readonly path: string,
    readonly format: TraceFormat,
    readonly dense: boolean,
    decoder: Decoder,
    chunks: FileChunks,
  ) {
    this.#decoder = decoder;
    this.#chunks = chunks;
  }

  get distinctPages(): number | undefined {
    return this.#decoder.pages.map?.size;
  }

  next(pages: Float64Array, isWrite: Uint8Array): number {
    this.#open();
    const end = Math.min(pages.length, isWrite.length);
    const n = this.#decoder.read(pages, isWrite, undefined, 0, end);
    // Only hvsim-csv yields file ops; FileRead (2) and FileWrite (3) share their write bit with Read and Write.
    if (this.#decoder.blocks !== undefined) for (let i = 0; i < n; i++) isWrite[i] = isWrite[i]! & 1;
    this.position += n;
    return n;
  }

  nextOps(
    target: Float64Array,
    kind: Uint8Array,
    content: Float64Array,
    start = 0,
    end = target.length,
  ): number {
    if (start < 0 || end > target.length || end > kind.length || end > content.length || start > end) {
      throw new RangeError(
        `[${start}, ${end}) does not fit arrays of ${target.length}, ${kind.length}, ${content.length}`,
      );
    }
    this.#open();
    const n = this.#decoder.read(target, kind, content, start, end);
    if (this.#decoder.blocks === undefined) content.fill(NO_CONTENT, start, start + n);
    this.position += n;
    return n;
  }

  rawId(page: number): bigint {
    return this.#decoder.pages.id(page);
  }

  rawBlockId(block: number): bigint {
    const blocks = this.#decoder.blocks;
    if (blocks === undefined) throw new RangeError(`a ${this.format} trace has no blocks`);
    return blocks.id(block);
  }

  rewind(): void {
    this.#decoder.rewind();
    this.position = 0;
  }

  close(): void {
    this.#decoder.close();
  }

  get closed(): boolean {
    return this.#chunks.closed;
  }

  #open(): void {
    if (this.#chunks.closed) throw new TraceFileError(this.path, 'the trace was closed');
  }
}
