import { HvsimError, PAGE_STATE_NAMES, type PageState, type Ppn, type VmId } from '@hvsim/spec';

/** No free frame could be found, even after the frame-shortage handler ran. */
export class OutOfFramesError extends HvsimError {
  override readonly name = 'OutOfFramesError';
  constructor(needed: string) {
    super(
      'out-of-frames',
      `no free host frame for ${needed}; reclaim memory before the host runs dry`,
      'machine',
    );
  }
}

/** Every host swap slot is in use. */
export class OutOfSwapError extends HvsimError {
  override readonly name = 'OutOfSwapError';
  constructor(slots: number) {
    super('out-of-swap', `all ${slots} host swap slots are in use`, 'machine.swap');
  }
}

/** An operation asked for on a page in a state it does not apply to (e.g. swapping out a ballooned page). */
export class InvalidTransitionError extends HvsimError {
  override readonly name = 'InvalidTransitionError';
  /** `state`: the page's state, or what else about it is wrong (its CMM2 usage). */
  constructor(operation: string, vm: VmId, ppn: Ppn, state: PageState | string, expected: string) {
    super(
      'invalid-transition',
      `${operation} needs a page that is ${expected}, but page ${ppn} of vm ${vm} is ${typeof state === 'string' ? state : PAGE_STATE_NAMES[state]}`,
      operation,
    );
  }
}

/** Two pages were to be shared whose contents differ: the full compare refused. */
export class ContentMismatchError extends HvsimError {
  override readonly name = 'ContentMismatchError';
  constructor(what: string) {
    super('content-mismatch', `refused to share pages whose contents differ (${what})`, 'share');
  }
}

/** A page was to join a shared frame of another sharing domain (salting): the machine refused. */
export class DomainMismatchError extends HvsimError {
  override readonly name = 'DomainMismatchError';
  constructor(what: string) {
    super('domain-mismatch', `refused to share across sharing domains (${what})`, 'share');
  }
}

/**
 * An access other than a batch's reached a discarded page: only an access of a batch can take a discard
 * fault, as the batch stops there for the guest to restore the page and restart it.
 */
export class DiscardFaultError extends HvsimError {
  override readonly name = 'DiscardFaultError';
  constructor(vm: VmId, ppn: Ppn) {
    super(
      'discard-fault',
      `page ${ppn} of vm ${vm} was discarded: only an access of a batch (accessBatch) can take a discard fault, which the guest restores and restarts`,
      'access',
    );
  }
}

/** A guest access was made while the frame reclaimer ran, which its contract forbids (FrameReclaimer). */
export class ReclaimerAccessError extends HvsimError {
  override readonly name = 'ReclaimerAccessError';
  constructor(vm: VmId) {
    super(
      'reclaimer-access',
      `vm ${vm}'s memory was accessed while the frame reclaimer ran: a reclaimer acts through remap operations only`,
      'reclaimer',
    );
  }
}

/** A page number, VM id or frame number outside what exists. */
export class OutOfRangeError extends HvsimError {
  override readonly name = 'OutOfRangeError';
  constructor(field: string, value: number, limit: string) {
    super('out-of-range', `expected ${limit}, got ${value}`, field);
  }
}
