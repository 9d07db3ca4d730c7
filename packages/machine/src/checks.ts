import {
  type ContentId,
  GUEST_PAGE_USAGE_NAMES,
  GuestPageUsage,
  InvalidInputError,
  isContentId,
  type Mpn,
  PageState,
  type Ppn,
} from '@hvsim/spec';
import { InvalidTransitionError, OutOfRangeError } from './errors';
import type { FrameTable } from './frame-table';
import { USAGE_BITS, type VmMemory, WRITTEN } from './vm-memory';

// The machine's argument checks, shared by its operations so each refuses bad input with the same error.

/** A usage byte as words, for errors: `potentiallyVolatile (written)`. */
export const usageName = (usage: number) =>
  `${GUEST_PAGE_USAGE_NAMES[usage & USAGE_BITS]}${usage & WRITTEN ? ' (written)' : ''}`;

export const RESIDENT = 'private or shared';

export function checkContent(content: ContentId, field = 'content'): void {
  if (!isContentId(content)) {
    throw new InvalidInputError(field, `expected a content id (a safe non-negative integer), got ${content}`);
  }
}

export function wholeNumber(
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(field, `expected a whole number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

export function checkPpn(m: VmMemory, ppn: Ppn): Ppn {
  // A whole number in [0, 2³²) is its own unsigned 32-bit conversion (cheaper than Number.isInteger).
  if (!(ppn >>> 0 === ppn && ppn < m.pages)) {
    throw new OutOfRangeError('ppn', ppn, `a page of vm ${m.id} in [0, ${m.pages})`);
  }
  return ppn;
}

export function checkMpn(frames: FrameTable, mpn: Mpn): Mpn {
  if (!(Number.isInteger(mpn) && mpn >= 0 && mpn < frames.total)) {
    throw new OutOfRangeError('mpn', mpn, `a frame in [0, ${frames.total})`);
  }
  return mpn;
}

export function checkResident(operation: string, m: VmMemory, ppn: Ppn): void {
  const state = m.state[ppn] as PageState;
  if (state !== PageState.Private && state !== PageState.Shared) {
    throw new InvalidTransitionError(operation, m.id, ppn, state, RESIDENT);
  }
}

/** Only a stable page is preserved elsewhere (Up, Vp and Pp are not states): `evict` takes the others. */
export function checkStable(operation: string, m: VmMemory, ppn: Ppn): void {
  const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
  if (usage !== GuestPageUsage.Stable) {
    throw new InvalidTransitionError(operation, m.id, ppn, usageName(usage), 'stable');
  }
}
