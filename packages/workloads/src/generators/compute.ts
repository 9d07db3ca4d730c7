import { type OpBatch, OpKind, type SimTime, time } from '@hvsim/spec';

/**
 * Longest Compute op a generator emits. A long wait becomes many slices, so the guest never receives one op
 * that spans many scheduling quanta of its VM.
 */
export const COMPUTE_SLICE: SimTime = time.ms(1);

/**
 * Writes Compute ops from index `i` that together last `duration` ns (Infinity: as many slices as fit), in
 * slices of at most COMPUTE_SLICE, as far as the batch holds; returns the index after the last one.
 *
 * Scheduled generators call it only on an empty batch: the ops of a batch run one after the other, so a wait
 * computed from `now` is exact only when nothing runs before it. A generator that has written ops and then
 * has to wait returns the batch instead, and waits in the next fill, which sees the new `now`.
 */
export function writeCompute(batch: OpBatch, i: number, duration: SimTime): number {
  const { kind, target, content, capacity } = batch;
  while (duration > 0 && i < capacity) {
    const slice = duration < COMPUTE_SLICE ? duration : COMPUTE_SLICE;
    kind[i] = OpKind.Compute;
    target[i] = slice;
    content[i] = 0;
    duration -= slice;
    i++;
  }
  return i;
}

/** Sets the batch's length and returns it: the last line of every `fill`. */
export function finish(batch: OpBatch, length: number): number {
  batch.length = length;
  return length;
}
