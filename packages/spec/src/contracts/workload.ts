import type { ContentInterner } from '../content-ids';
import { definer } from '../define';
import type { VmId } from '../ids';
import type { Pages, SimTime } from '../units';
import type { CreateContext } from './context';

/** What a workload asks of its guest, one op at a time. */
export const OpKind = {
  /** Read the anonymous page at virtual page `target` (first touch allocates it, as demand paging does). */
  Read: 0,
  /** Write `content` to the anonymous page at virtual page `target`. */
  Write: 1,
  /** Read block `target` of the VM's virtual disk (through the guest's page cache). */
  FileRead: 2,
  /** Write `content` to block `target` of the virtual disk (through the page cache). */
  FileWrite: 3,
  /** Free the anonymous page at virtual page `target` (the guest returns its page to the free list). */
  Free: 4,
  /** Compute for `target` ns without touching memory. */
  Compute: 5,
  /**
   * Read block `target` of the virtual disk into the anonymous page at virtual page `content`: read(2) into
   * a page-aligned buffer, which the guest's copy routine fills from its page cache.
   */
  FileCopy: 6,
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

/**
 * How a miniature's disk blocks stand for the full-size VM's (see `Workload.diskBlocks`): `together`, each
 * for R neighbouring blocks read in the same runs (files read in requests, scans, logs); `apart`, each for R
 * blocks the workload reads independently of one another (random reads over a table or a region).
 */
export type DiskLocality = 'together' | 'apart';

/** A generator or trace of guest memory ops. */
export interface Workload {
  readonly contract: 'workload@1';
  readonly name: string;
  /**
   * In a miniature, how the blocks of its disk I/O stand for the full-size VM's (default `together`): the
   * guest reads ahead and counts disk requests by it — a full-size readahead window over blocks read apart
   * takes in blocks that have nothing to do with one another, one request for each R blocks read apart.
   */
  readonly diskBlocks?: DiskLocality;
  /**
   * Fills `batch` from index 0 and sets `batch.length`; returns the number of ops written. Zero means the
   * workload has finished. `now` is the VM's simulated time, for workloads that follow a schedule.
   */
  fill(batch: OpBatch, now: SimTime): number;
}

export interface WorkloadContext extends CreateContext {
  /** The VM the workload runs in: content models use it to keep each VM's private contents distinct. */
  readonly vm: VmId;
  /** Memory of the VM the workload runs in, so sizes given as fractions can be resolved. */
  readonly vmPages: Pages;
  /** The host's store of real page contents, for content models that read files or disk images. */
  readonly contents?: ContentInterner;
  /**
   * Where relative file paths in the workload's options start: the scenario file's folder, so a scenario
   * runs the same from any working directory. Absent: the working directory.
   */
  readonly baseDir?: string;
}

export const defineWorkload = definer<'workload@1', WorkloadContext, Workload>('workload@1');
