import { definer } from '../define';
import type { Pages } from '../units';
import type { CreateContext } from './context';

/** What a workload asks of its guest, one op at a time. */
export const OpKind = {
  /** Read the anonymous page at virtual page `target`. */
  Read: 0,
  /** Write `content` to the anonymous page at virtual page `target`. */
  Write: 1,
  /** Read block `target` of the VM's virtual disk (through the guest's page cache). */
  FileRead: 2,
  /** Write `content` to block `target` of the virtual disk (through the page cache). */
  FileWrite: 3,
  /** Allocate `target` more pages of anonymous memory. */
  Alloc: 4,
  /** Free the anonymous page at virtual page `target`. */
  Free: 5,
  /** Compute for `target` ns without touching memory. */
  Compute: 6,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/**
 * A preallocated batch of encoded ops (struct of arrays). A workload fills it in place, never allocating
 * per op; `length` says how many entries are valid.
 */
export interface OpBatch {
  readonly capacity: number;
  readonly kind: Uint8Array;
  readonly target: Float64Array;
  readonly content: Float64Array;
  length: number;
}

export function createOpBatch(capacity: number): OpBatch {
  return {
    capacity,
    kind: new Uint8Array(capacity),
    target: new Float64Array(capacity),
    content: new Float64Array(capacity),
    length: 0,
  };
}

/** A generator or trace of guest memory ops. */
export interface Workload {
  readonly contract: 'workload@1';
  readonly name: string;
  /**
   * Fills `batch` from index 0 and sets `batch.length`; returns the number of ops written. Zero means the
   * workload has finished.
   */
  fill(batch: OpBatch): number;
}

export interface WorkloadContext extends CreateContext {
  /** Memory of the VM the workload runs in, so sizes given as fractions can be resolved. */
  readonly vmPages: Pages;
}

export const defineWorkload = definer<'workload@1', WorkloadContext, Workload>('workload@1');
