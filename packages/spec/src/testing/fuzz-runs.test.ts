import { afterEach, describe, expect, it } from 'vitest';
import { fuzzRuns, fuzzTimeout } from './fuzz-runs';

const saved = process.env['FUZZ_RUNS'];
afterEach(() => {
  if (saved === undefined) delete process.env['FUZZ_RUNS'];
  else process.env['FUZZ_RUNS'] = saved;
});

describe('fuzzRuns', () => {
  it("is the target's default without FUZZ_RUNS, and FUZZ_RUNS when set", () => {
    delete process.env['FUZZ_RUNS'];
    expect(fuzzRuns(150)).toBe(150);
    process.env['FUZZ_RUNS'] = '10000';
    expect(fuzzRuns(150)).toBe(10_000);
  });

  it('refuses a FUZZ_RUNS that is not a whole number above 0, naming it', () => {
    for (const bad of ['0', '-5', '1.5', 'many', '1e99']) {
      process.env['FUZZ_RUNS'] = bad;
      expect(() => fuzzRuns(150)).toThrow(/^FUZZ_RUNS: expected a whole number/);
    }
  });

  it('gives a timeout that grows with the cases', () => {
    expect(fuzzTimeout(100, 20)).toBe(12_000);
    expect(fuzzTimeout(10_000, 20)).toBeGreaterThan(fuzzTimeout(100, 20));
  });
});
