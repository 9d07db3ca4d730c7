/**
 * How many cases a fuzz target (a `*.fuzz.test.ts` property) runs: FUZZ_RUNS when set (`pnpm fuzz` sets
 * 10 000), else the target's own default, small enough for every test run. Targets pass it to `fc.assert` as
 * `numRuns`, so the global FC_NUM_RUNS, meant for ordinary properties, does not scale a fuzzing campaign.
 */
export function fuzzRuns(defaultRuns: number): number {
  const text = process.env['FUZZ_RUNS'];
  if (text === undefined || text === '') return defaultRuns;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new Error(`FUZZ_RUNS: expected a whole number of cases above 0, got ${JSON.stringify(text)}`);
  }
  return runs;
}

/** A test timeout for `runs` cases of at most `msPerCase` each on average, with 10 s to spare. */
export const fuzzTimeout = (runs: number, msPerCase: number): number => 10_000 + runs * msPerCase;
