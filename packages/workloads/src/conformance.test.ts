import { resolve } from 'node:path';
import type { Definition, Workload, WorkloadContext } from '@hvsim/spec';
import { checkWorkloadConformance } from '@hvsim/spec/testing';
import { generatorDefinitions, trace } from '@hvsim/workloads';
import { describe, it } from 'vitest';
import type { z } from 'zod';

const generators: Definition<'workload@1', z.ZodType, WorkloadContext, Workload>[] = [
  ...generatorDefinitions,
];

/** Settings small enough that each generator does a bit of everything within the suite's short runs. */
const SMALL: Record<string, Record<string, unknown>> = {
  toucher: {
    schedule: [
      { at: '1ms', touch: 64 },
      { at: '3ms', touch: 16 },
    ],
    period: '500us',
    background: { pages: 8, rate: 10_000 },
  },
  idle: { rate: 100_000 },
  phased: {
    phases: [
      { duration: '2ms', pages: 100 },
      { duration: '2ms', pages: 0 },
      { duration: '2ms', offset: 100, pages: 200, distribution: 'zipf' },
    ],
  },
  'growing-heap': { rate: 200_000, max: 1000, retain: 500 },
  'file-server': { files: 50, fileSize: 8, requestSize: 4 },
  'buffer-pool': { pages: 300, logSize: 64 },
};

/** Every workload this package exports keeps the contract's properties (the suite any workload can run). */
describe('workload conformance', () => {
  it.each(generators.map((d) => [d.name, d] as const))('%s', (name, definition) => {
    checkWorkloadConformance(definition, { options: SMALL[name], vmPages: 4096 });
  });

  it('trace', () => {
    checkWorkloadConformance(trace, {
      options: { path: 'example.hvsim.csv', format: 'hvsim-csv' },
      baseDir: resolve(import.meta.dirname, 'traces/fixtures'),
      vmPages: 4096,
    });
  });
});
