import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { DistanceCounts } from './distance-counts';

const distance = fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constant(Number.POSITIVE_INFINITY));

test.prop([
  fc.array(fc.array(distance, { maxLength: 50 }), { maxLength: 20 }),
  fc.integer({ min: 1, max: 60 }),
])('counts every distance of every batch, however often the integer counts spill', (batches, spillAt) => {
  const counts = new DistanceCounts(spillAt);
  const expected = new Map<number, number>();
  for (const batch of batches) {
    counts.addAll(Float64Array.from(batch), 0, batch.length);
    for (const d of batch) expected.set(d, (expected.get(d) ?? 0) + 1);
  }
  const all = batches.flat();
  expect(counts.cold).toBe(expected.get(Number.POSITIVE_INFINITY) ?? 0);
  expect(counts.finite).toBe(all.length - counts.cold);
  const taken = counts.take();
  expect(taken.cold).toBe(expected.get(Number.POSITIVE_INFINITY) ?? 0);
  const finite = [...expected].filter(([d]) => d !== Number.POSITIVE_INFINITY);
  const want = new Float64Array(Math.max(taken.counts.length, ...finite.map(([d]) => d + 1)));
  for (const [d, n] of finite) want[d] = n;
  const mismatch = want.findIndex((n, d) => (taken.counts[d] ?? 0) !== n);
  expect(mismatch, `the count at distance ${mismatch}`).toBe(-1);
  // Taking starts afresh.
  expect(counts.take().cold).toBe(0);
  expect(counts.finite).toBe(0);
});
