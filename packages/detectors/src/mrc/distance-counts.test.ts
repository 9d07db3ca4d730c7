import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { DistanceCounts } from './distance-counts';

// Mostly a few short distances, so counts pass 256 many times; now and then a long one, so the counts grow.
const distance = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 20 },
  { arbitrary: fc.integer({ min: 9, max: 5000 }), weight: 1 },
  { arbitrary: fc.constant(Number.POSITIVE_INFINITY), weight: 1 },
);

test.prop([fc.array(fc.array(distance, { maxLength: 400, size: 'max' }), { maxLength: 12 })])(
  'counts every distance of every batch, past 256 and beyond its first size; taking starts afresh',
  (batches) => {
    const counts = new DistanceCounts();
    const expected = new Map<number, number>();
    for (const batch of batches) {
      counts.addAll(Float64Array.from(batch), 0, batch.length, Math.max(0, ...batch.filter(Number.isFinite)));
      for (const d of batch) expected.set(d, (expected.get(d) ?? 0) + 1);
    }
    const cold = expected.get(Number.POSITIVE_INFINITY) ?? 0;
    expect(counts.cold).toBe(cold);
    expect(counts.finite).toBe(batches.flat().length - cold);
    const taken = counts.take();
    expect(taken.cold).toBe(cold);
    const finite = [...expected].filter(([d]) => d !== Number.POSITIVE_INFINITY);
    const want = new Float64Array(Math.max(taken.counts.length, ...finite.map(([d]) => d + 1)));
    for (const [d, n] of finite) want[d] = n;
    const mismatch = want.findIndex((n, d) => (taken.counts[d] ?? 0) !== n);
    expect(mismatch, `the count at distance ${mismatch}`).toBe(-1);
    expect(counts.take().counts.every((n) => n === 0)).toBe(true);
    expect([counts.cold, counts.finite]).toEqual([0, 0]);
  },
);
