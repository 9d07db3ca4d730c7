import type { Mpn, Ppn, VmId } from './ids';
import type { SimTime } from './quantities';

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
  /** What was wrong, without the field: for a caller that names the place its own way. */
  readonly reason: string;

  constructor(code: string, message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.code = code;
    this.field = field;
    this.reason = message;
  }
}

/** A value that does not fit what a field expects. */
export class InvalidInputError extends HvsimError {
  override readonly name = 'InvalidInputError';
  constructor(field: string, message: string) {
    super('invalid-input', message, field);
  }
}

/** Where and how an invariant broke, as fields, so a kernel or a test can name them without parsing text. */
export interface InvariantBreach {
  /** The invariant in words, e.g. `frames are conserved`. */
  readonly invariant: string;
  /** What was found, without the invariant or the place, e.g. `maps frame 17, which is free`. */
  readonly found: string;
  /** The VM whose page or memory broke it, when one does. */
  readonly vm?: VmId;
  /** The guest-physical page of that VM that broke it, when one does. */
  readonly page?: Ppn;
  /** The host frame that broke it, when one does. */
  readonly frame?: Mpn;
}

/**
 * A model's own bookkeeping disagrees with itself: a bug in hvsim, or in a plugin that acts on the model. Built
 * from a breach, the message reads `<invariant>: vm <id> page <ppn>: <found>` and the fields say the same.
 */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  readonly invariant: string | undefined;
  readonly found: string;
  readonly vm: VmId | undefined;
  readonly page: Ppn | undefined;
  readonly frame: Mpn | undefined;

  constructor(breach: string | InvariantBreach) {
    const b: Partial<InvariantBreach> & { found: string } =
      typeof breach === 'string' ? { found: breach } : breach;
    const place = [
      b.vm === undefined ? '' : `vm ${b.vm}`,
      b.page === undefined ? '' : `page ${b.page}`,
      b.frame === undefined ? '' : `frame ${b.frame}`,
    ].filter((part) => part !== '');
    super([b.invariant, place.join(' '), b.found].filter((part) => part).join(': '));
    this.invariant = b.invariant;
    this.found = b.found;
    this.vm = b.vm;
    this.page = b.page;
    this.frame = b.frame;
  }
}

/** Where a run's invariant check found a breach: the VM by name, and what ran since the last check passed. */
export interface InvariantCheckFailure {
  readonly invariant: string | undefined;
  readonly vm: string | undefined;
  readonly page: Ppn | undefined;
  readonly frame: Mpn | undefined;
  /** What ran since the last check that passed, e.g. `the quantum of vm 'web'`. */
  readonly after: string;
  /** Host time of the check. */
  readonly time: SimTime;
}

/**
 * A run with invariant checks on (`checkInvariants`, `hvsim run --check-invariants`) found one broken. The
 * fields name the invariant, the VM and page (or frame) and what ran before; the message says it in one line,
 * so a scenario's author can hold their own plugins to the model's invariants. The violation is the `cause`.
 */
export class InvariantCheckFailed extends HvsimError implements InvariantCheckFailure {
  override readonly name = 'InvariantCheckFailed';
  readonly invariant: string | undefined;
  readonly vm: string | undefined;
  readonly page: Ppn | undefined;
  readonly frame: Mpn | undefined;
  readonly after: string;
  readonly time: SimTime;

  constructor(message: string, failure: InvariantCheckFailure, cause: InvariantViolation) {
    super('invariant-broken', message);
    this.cause = cause;
    this.invariant = failure.invariant;
    this.vm = failure.vm;
    this.page = failure.page;
    this.frame = failure.frame;
    this.after = failure.after;
    this.time = failure.time;
  }
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
