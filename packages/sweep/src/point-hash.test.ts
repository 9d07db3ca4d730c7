import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { runHash } from './point-hash';

/** The same map with its keys in another order, all the way down. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

const scenario = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }));

describe("a run's hash", () => {
  property.prop([scenario])('is the same whatever order the scenario has its keys in', (s) => {
    expect(runHash(reordered(s) as Record<string, unknown>, 'v', [])).toBe(runHash(s, 'v', []));
  });

  property.prop([scenario, fc.string(), fc.string()])("changes with hvsim's version", (s, a, b) => {
    fc.pre(a !== b);
    expect(runHash(s, a, [])).not.toBe(runHash(s, b, []));
  });

  test('changes with the seed, a value, and the contents of a file the scenario names', () => {
    const base = {
      seed: 1,
      host: { memory: '1GiB' },
      vms: [{ name: 'a', workload: { kind: 'trace', path: 't.csv' } }],
    };
    const files = [{ path: 't.csv', sha256: 'a'.repeat(64) }];
    const hash = runHash(base, 'v', files);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(runHash({ ...base, seed: 2 }, 'v', files)).not.toBe(hash);
    expect(runHash({ ...base, host: { memory: '2GiB' } }, 'v', files)).not.toBe(hash);
    expect(runHash(base, 'v', [{ path: 't.csv', sha256: 'b'.repeat(64) }])).not.toBe(hash);
    // 1.0 and 1 are one number in JSON: the same run.
    expect(runHash({ ...base, seed: 1.0 }, 'v', files)).toBe(hash);
  });
});
