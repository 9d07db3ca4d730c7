import { type OpBatch, type SimTime, scalePages, type Workload } from '@hvsim/spec';

export interface Limits {
  /** Total ops after which the workload finishes, at full size (a miniature at scale R stops after ops/R). */
  readonly ops?: number | undefined;
  /** Simulated time after the first fill at which the workload finishes. */
  readonly until?: SimTime | undefined;
}

/**
 * Makes a workload finish after `ops` ops or `until` ns from its first fill, whichever comes first. Ops a
 * batch generates past the limit are dropped: the workload is over, so its state no longer matters. In a
 * miniature at `scale`, one op stands for `scale`, so the count of ops is divided by it (at least 1); the
 * time is kept.
 */
export function withLimits(workload: Workload, limits: Limits, scale = 1): Workload {
  const { ops, until } = limits;
  if (ops === undefined && until === undefined) return workload;
  let remaining = ops === undefined ? Number.POSITIVE_INFINITY : scalePages(ops, scale);
  let start = Number.NaN;
  return {
    contract: 'workload@1',
    name: workload.name,
    ...(workload.diskBlocks === undefined ? {} : { diskBlocks: workload.diskBlocks }),
    fill(batch: OpBatch, now: SimTime): number {
      if (Number.isNaN(start)) start = now;
      if (remaining <= 0 || (until !== undefined && now - start >= until)) {
        remaining = 0;
        batch.length = 0;
        return 0;
      }
      let n = workload.fill(batch, now);
      if (n > remaining) n = remaining;
      remaining -= n;
      batch.length = n;
      return n;
    },
  };
}
