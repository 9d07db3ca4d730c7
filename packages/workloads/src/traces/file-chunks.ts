import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { describeIoError } from '@hvsim/spec';
import { TraceFileError } from './errors';

/** Read buffer size when the caller does not choose one: large enough that syscalls are a rounding error. */
export const DEFAULT_BUFFER_BYTES = 1 << 20;

/**
 * A trace file read front to back through one buffer with synchronous reads, so a workload's `fill` can
 * stay synchronous and memory stays bounded by the buffer whatever the file's size. `buf[0, filled)` holds
 * the file's bytes from offset `base`; a reader consumes a prefix and calls `refill` with what it has used.
 */
export class FileChunks {
  readonly path: string;
  buf: Uint8Array;
  /** Bytes of `buf` holding file data. */
  filled = 0;
  /** File offset of `buf[0]`. */
  base = 0;
  /** True once a read returned nothing: `buf[0, filled)` is all that is left. */
  eof = false;
  #fd: number;

  constructor(path: string, bufferBytes: number = DEFAULT_BUFFER_BYTES) {
    this.path = path;
    this.#fd = openTraceFile(path);
    this.buf = new Uint8Array(bufferBytes);
  }

  /**
   * Drops `buf[0, keepFrom)`, moves the rest to the front and reads after it until the buffer is full or
   * the file ends. Returns the number of bytes added; 0 means the end of the file.
   */
  refill(keepFrom: number): number {
    const kept = this.filled - keepFrom;
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.filled);
      this.base += keepFrom;
      this.filled = kept;
    }
    let added = 0;
    while (!this.eof && this.filled < this.buf.length) {
      const n = this.#read(this.filled, this.buf.length - this.filled, this.base + this.filled);
      if (n === 0) this.eof = true;
      this.filled += n;
      added += n;
    }
    return added;
  }

  /** Doubles the buffer, keeping its contents: for a text line longer than the buffer. */
  grow(): void {
    const bigger = new Uint8Array(this.buf.length * 2);
    bigger.set(this.buf.subarray(0, this.filled));
    this.buf = bigger;
  }

  /** Back to the start of the file (for looping replays). */
  rewind(): void {
    this.filled = 0;
    this.base = 0;
    this.eof = false;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  #read(offset: number, length: number, position: number): number {
    if (this.#fd < 0) throw new TraceFileError(this.path, 'the trace was closed');
    try {
      return readSync(this.#fd, this.buf, offset, length, position);
    } catch (error) {
      throw new TraceFileError(this.path, `cannot read the trace: ${describeIoError(error)}`);
    }
  }
}

/**
 * Throws the TraceFileError `openTrace` would for a path that is missing, a directory or not accessible,
 * so a caller can say so before it guesses the format from the name.
 */
export function checkTraceFile(path: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw openError(path, error);
  }
  if (stats.isDirectory()) throw directoryError(path);
}

function openTraceFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw openError(path, error);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw directoryError(path);
  }
  return fd;
}

function openError(path: string, error: unknown): TraceFileError {
  const code = (error as NodeJS.ErrnoException).code;
  return new TraceFileError(
    path,
    code === 'ENOENT'
      ? 'no such trace file: expected the path of an existing file'
      : `cannot open the trace file: ${describeIoError(error)}`,
  );
}

const directoryError = (path: string): TraceFileError =>
  new TraceFileError(path, 'is a directory: expected the path of a trace file');
