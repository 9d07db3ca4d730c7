import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { traceFuzzProperty } from './fuzz-test-support';
import { TRACE_FORMATS } from './reader';
import { tempDir } from './test-support';

const temp = tempDir();
afterAll(temp.remove);

describe('mutated traces', () => {
  // The runs per format come from FC_NUM_RUNS (100 by default); a fuzzing campaign raises it.
  it.each(TRACE_FORMATS)('%s: read, or an HvsimError naming the line or record', (format) => {
    fc.assert(traceFuzzProperty(format, temp.dir));
  });
});
