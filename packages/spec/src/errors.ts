/**
 * A mistake a user can make (a bad size, impossible parameters, a wrong option): the message names the field
 * and what was expected, so a scenario author can fix the input without reading a stack trace.
 */
export class HvsimError extends Error {
  override readonly name: string = 'HvsimError';
  /** Stable machine-readable code, e.g. `invalid-size`. */
  readonly code: string;
  /** Where the bad value came from: an option path, a scenario path or a file and line. */
  readonly field: string | undefined;

  constructor(code: string, message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}

/** A value that does not fit what a field expects. */
export class InvalidInputError extends HvsimError {
  override readonly name = 'InvalidInputError';
  constructor(field: string, message: string) {
    super('invalid-input', message, field);
  }
}

/** A model's own bookkeeping disagrees with itself: a bug in hvsim, never the user's input. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** A failed file operation's errno code in plain words. */
const IO_CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EEXIST: 'something is already there',
};

/**
 * Why a file operation failed, in words a user can act on (`permission denied`, `the disk is full`), for a
 * message that already names the path; an error without a known code gives its own message.
 */
export function describeIoError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code in IO_CAUSES) return IO_CAUSES[code]!;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
