import { resolve } from 'node:path';
import type { Definition, Workload, WorkloadContext } from '@hvsim/spec';
import { checkWorkloadConformance } from '@hvsim/spec/testing';
import { generatorDefinitions, trace } from '@hvsim/workloads';
import { describe, it } from 'vitest';
import type { z } from 'zod';
import { SMALL_SETTINGS } from './generators/test-support';

const generators: Definition<'workload@1', z.ZodType, WorkloadContext, Workload>[] = [
  ...generatorDefinitions,
];

/** Every workload this package exports keeps the contract's properties (the suite any workload can run). */
describe('workload conformance', () => {
  const cases = [1, 16].flatMap((scale) => generators.map((d) => [d.name, scale, d] as const));
  it.each(cases)('%s at scale %d', (name, scale, definition) => {
    checkWorkloadConformance(definition, { options: SMALL_SETTINGS[name], vmPages: 4096, scale });
  });

  it.each([1, 16])('trace at scale %d', (scale) => {
    checkWorkloadConformance(trace, {
      options: { path: 'example.hvsim.csv', format: 'hvsim-csv' },
      baseDir: resolve(import.meta.dirname, 'traces/fixtures'),
      vmPages: 4096,
      scale,
    });
  });
});
