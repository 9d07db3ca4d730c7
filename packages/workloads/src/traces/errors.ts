import { HvsimError } from '@hvsim/spec';

/** Where a bad record sits: a line of a text trace, or a binary record (1-based) and its byte offset. */
export type TraceLocation =
  | { readonly line: number }
  | { readonly record: number; readonly byteOffset: number };

/**
 * A record of a trace file that does not fit its format. The message names the file and the line (text
 * formats) or the record and its byte offset (binary formats), and says what was expected there.
 */
export class TraceFormatError extends HvsimError {
  override readonly name = 'TraceFormatError';
  readonly path: string;
  /** 1-based line of a text trace, else undefined. */
  readonly line: number | undefined;
  /** 1-based record of a binary trace, else undefined. */
  readonly record: number | undefined;
  /** Byte offset of the record in a binary trace, else undefined. */
  readonly byteOffset: number | undefined;

  constructor(path: string, location: TraceLocation, message: string) {
    const text = 'line' in location;
    super(
      'invalid-trace',
      message,
      text
        ? `${path}:${location.line}`
        : `${path} at record ${location.record} (byte ${location.byteOffset})`,
    );
    this.path = path;
    this.line = text ? location.line : undefined;
    this.record = text ? undefined : location.record;
    this.byteOffset = text ? undefined : location.byteOffset;
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
