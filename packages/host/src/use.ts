import type { Definition } from '@hvsim/spec';
import type { z } from 'zod';

/** A named factory with its options, as a scenario names it. */
export interface Use<Kind extends string, Context, Instance> {
  readonly definition: Definition<Kind, z.ZodType, Context, Instance>;
  readonly options?: unknown;
}
