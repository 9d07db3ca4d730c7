import { optionalDurationOption } from '@hvsim/spec';
import { z } from 'zod';
import { contentOptions } from '../content/options';

export const writeFractionOption = (value = 0.25) =>
  z
    .number()
    .min(0)
    .max(1)
    .default(value)
    .describe(`fraction of memory accesses that are writes (default ${value})`);

export const zipfExponentOption = (value = 0.99, what = 'pages') =>
  z
    .number()
    .min(0)
    .max(10)
    .default(value)
    .describe(
      `Zipf exponent of the popularity of ${what}: 0 is uniform, 1 is classic Zipf (default ${value})`,
    );

export const offsetOption = () =>
  z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('first virtual page of the region the workload uses (default 0)');

/** The `content` option with a default, for generators. */
export const contentOption = (model: 'mix' | 'unique' = 'mix') =>
  contentOptions.prefault(model).describe(`${contentOptions.description} (default "${model}")`);

/** Options every generator takes to stop on its own. */
export const limitOptions = {
  ops: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('finish after this many ops (default: run until the host stops)'),
  until: optionalDurationOption('finish once this much simulated time has passed since the workload started'),
};
