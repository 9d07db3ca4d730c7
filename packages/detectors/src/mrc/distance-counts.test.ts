import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { DistanceCounts } from './distance-counts';
import { StackDistances } from './stack-distances';

// Few ids, so short distances repeat past 256; now and then many more, so the tally grows.
const trace = fc.oneof(
  fc.array(fc.nat({ max: 2 }), { maxLength: 1500, size: 'max' }),
  fc.array(fc.nat({ max: 3000 }), { maxLength: 1500, size: 'max' }),
);

test.prop([fc.array(trace, { minLength: 1, maxLength: 4 })])(
  'countAll tallies every distance accessAll gives, in batches, past 256 and beyond its first size',
  (batches) => {
    const counting = new StackDistances({ initialCapacity: 16 });
    const writing = new StackDistances({ initialCapacity: 16 });
    const tally = new DistanceCounts();
    const want = new Map<number, number>();
    for (const batch of batches) {
      const ids = Float64Array.from(batch);
      counting.countAll(ids, 0, ids.length, tally);
      const out = new Float64Array(ids.length);
      writing.accessAll(ids, 0, ids.length, out);
      for (const d of out) want.set(d, (want.get(d) ?? 0) + 1);
    }
    const cold = want.get(Number.POSITIVE_INFINITY) ?? 0;
    expect([tally.cold, tally.finite]).toEqual([cold, batches.flat().length - cold]);
    const { counts, cold: taken } = tally.take();
    expect(taken).toBe(cold);
    const wrong = [...want].find(([d, n]) => d !== Number.POSITIVE_INFINITY && counts[d] !== n);
    expect(wrong).toBeUndefined();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(batches.flat().length - cold);
    // Taking starts afresh.
    expect(tally.take().counts.every((n) => n === 0)).toBe(true);
    expect([tally.cold, tally.finite]).toEqual([0, 0]);
  },
);
