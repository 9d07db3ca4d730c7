import { fuzzRuns, fuzzTimeout } from '@hvsim/spec/testing';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { traceFuzzProperty } from './fuzz-test-support';
import { TRACE_FORMATS } from './reader';
import { tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);

/** Cases per format: 100 in every test run, FUZZ_RUNS in a fuzzing campaign (`pnpm fuzz`). */
const runs = fuzzRuns(100);

describe('mutated traces', () => {
  it.each(TRACE_FORMATS)(
    '%s: read, or an HvsimError naming the line or record',
    (format) => {
      fc.assert(traceFuzzProperty(format, temp.dir), { numRuns: runs });
    },
    fuzzTimeout(runs, 5),
  );
});
