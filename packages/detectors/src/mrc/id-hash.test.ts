import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { idHash } from './id-hash';

describe('idHash', () => {
  test.prop([fc.maxSafeNat()])('is a deterministic unsigned 32-bit value', (id) => {
    const h = idHash(id);
    expect(h).toBe(idHash(id));
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });

  it('uses the high half of an id', () => {
    expect(idHash(2 ** 32 + 5)).not.toBe(idHash(5));
    expect(idHash(2 ** 40)).not.toBe(idHash(0));
  });

  it('spreads consecutive ids evenly over the low 24 bits SHARDS samples by', () => {
    // 2^20 consecutive ids into 64 buckets by key: each bucket within 5% of the mean, and key 0 not favoured.
    const buckets = new Float64Array(64);
    for (let id = 0; id < 2 ** 20; id++) buckets[(idHash(id) & 0xffffff) >>> 18]!++;
    const mean = 2 ** 20 / 64;
    for (const count of buckets) expect(Math.abs(count - mean) / mean).toBeLessThan(0.05);
    expect(idHash(0) & 0xffffff).not.toBe(0);
  });
});
