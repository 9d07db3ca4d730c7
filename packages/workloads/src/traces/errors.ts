import { HvsimError } from '@hvsim/spec';

/** Where a bad record sits: a line of a text trace, or the byte offset of a binary record. */
export type TraceLocation = { readonly line: number } | { readonly byteOffset: number };

/**
 * A record of a trace file that does not fit its format. The message names the file and the line (text
 * formats) or the byte offset (binary formats), and says what was expected there.
 */
export class TraceFormatError extends HvsimError {
  override readonly name = 'TraceFormatError';
  readonly path: string;
  /** 1-based line of a text trace, else undefined. */
  readonly line: number | undefined;
  /** Byte offset of the record in a binary trace, else undefined. */
  readonly byteOffset: number | undefined;

  constructor(path: string, location: TraceLocation, message: string) {
    const line = 'line' in location ? location.line : undefined;
    const byteOffset = 'byteOffset' in location ? location.byteOffset : undefined;
    super('invalid-trace', message, line === undefined ? `${path} at byte ${byteOffset}` : `${path}:${line}`);
    this.path = path;
    this.line = line;
    this.byteOffset = byteOffset;
  }
}

/** A trace file that cannot be opened or read: missing, a directory, or not readable. */
export class TraceFileError extends HvsimError {
  override readonly name = 'TraceFileError';
  readonly path: string;

  constructor(path: string, message: string) {
    super('trace-unreadable', message, path);
    this.path = path;
  }
}
