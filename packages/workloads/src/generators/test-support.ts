import {
  createOpBatch,
  createRandom,
  type OpBatch,
  OpKind,
  type SimEvent,
  type SimTime,
  type VmId,
  type Workload,
  type WorkloadContext,
} from '@hvsim/spec';
import { expect } from 'vitest';

/** Helpers for this package's tests (not exported from the package). */

export function workloadContext(
  options: { seed?: number; vm?: number; vmPages?: number; scale?: number } = {},
): WorkloadContext & { events: SimEvent[] } {
  const events: SimEvent[] = [];
  return {
    random: createRandom(options.seed ?? 1).split('workload'),
    emit: (event) => events.push(event),
    vm: (options.vm ?? 0) as VmId,
    vmPages: options.vmPages ?? 65536,
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    events,
  };
}

export interface Ops {
  kind: number[];
  target: number[];
  content: number[];
}

/** `fills` batches of `capacity` at a frozen time `now`, concatenated. */
export function collect(workload: Workload, fills: number, capacity = 1024, now: SimTime = 0): Ops {
  const batch = createOpBatch(capacity);
  const ops: Ops = { kind: [], target: [], content: [] };
  for (let f = 0; f < fills; f++) {
    const n = workload.fill(batch, now);
    expect(n).toBe(batch.length);
    expect(n).toBeLessThanOrEqual(capacity);
    for (let i = 0; i < n; i++) {
      ops.kind.push(batch.kind[i]!);
      ops.target.push(batch.target[i]!);
      ops.content.push(batch.content[i]!);
    }
    if (n === 0) break;
  }
  return ops;
}

export interface DriveOptions {
  capacity?: number;
  /** Stop once simulated time reaches this. */
  until?: SimTime;
  maxOps?: number;
  /** Simulated cost of every op but Compute (which costs its target). */
  opCost?: SimTime;
  /** Called for each op with the time it starts. */
  onOp?: (time: SimTime, kind: number, target: number, content: number) => void;
  /** Called after each fill with the time it was made at. */
  onFill?: (now: SimTime, batch: OpBatch) => void;
  start?: SimTime;
}

/**
 * Runs a workload the way a guest would: fills a batch at the current time, then runs its ops, Compute
 * costing its target and everything else `opCost`. Returns the time and op count at the end.
 */
export function drive(workload: Workload, options: DriveOptions = {}) {
  const batch = createOpBatch(options.capacity ?? 256);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const maxOps = options.maxOps ?? Number.POSITIVE_INFINITY;
  const opCost = options.opCost ?? 100;
  let now = options.start ?? 0;
  let ops = 0;
  let finished = false;
  while (now < until && ops < maxOps) {
    const n = workload.fill(batch, now);
    expect(n).toBe(batch.length);
    expect(n).toBeLessThanOrEqual(batch.capacity);
    options.onFill?.(now, batch);
    if (n === 0) {
      finished = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      const kind = batch.kind[i]!;
      options.onOp?.(now, kind, batch.target[i]!, batch.content[i]!);
      now += kind === OpKind.Compute ? batch.target[i]! : opCost;
    }
    ops += n;
  }
  return { now, ops, finished };
}

/** Settings small enough that each generator does a bit of everything within a few simulated milliseconds. */
export const SMALL_SETTINGS: Record<string, Record<string, unknown>> = {
  toucher: {
    schedule: [
      { at: '1ms', touch: 64 },
      { at: '3ms', touch: 16 },
    ],
    period: '500us',
    background: { pages: 8, rate: 10_000 },
  },
  idle: { rate: 100_000 },
  phased: {
    phases: [
      { duration: '2ms', pages: 100 },
      { duration: '2ms', pages: 0 },
      { duration: '2ms', offset: 100, pages: 200, distribution: 'zipf' },
      { duration: '2ms', offset: 50, pages: 150, distribution: 'sequential', file: true },
    ],
  },
  'growing-heap': { rate: 200_000, max: 1000, retain: 500 },
  'file-server': { files: 50, fileSize: 8, requestSize: 4 },
  'buffer-pool': { pages: 300, logSize: 64 },
};
