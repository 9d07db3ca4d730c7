import type { z } from 'zod';
import { HvsimError } from './errors';

/** Options a definition was given that do not fit its schema. The message names each field at fault. */
export class InvalidOptionsError extends HvsimError {
  override readonly name = 'InvalidOptionsError';
  readonly issues: readonly { path: string; message: string }[];

  constructor(owner: string, issues: readonly { path: string; message: string }[]) {
    super('invalid-options', issues.map((i) => `${i.path}: ${i.message}`).join('; '), owner);
    this.issues = issues;
  }
}

/**
 * A named, versioned factory: what the scenario loader builds from a file and what the CLI lists with its
 * options. `create` validates raw options against the schema before the implementation sees them.
 */
export interface Definition<Kind extends string, Schema extends z.ZodType, Context, Instance> {
  readonly contract: Kind;
  readonly name: string;
  readonly description: string;
  readonly options: Schema;
  create(options: z.input<Schema> | undefined, context: Context): Instance;
}

export interface DefinitionInput<Schema extends z.ZodType, Context, Instance> {
  /** Registry name, kebab-case (`sampling`, `content-based`). */
  readonly name: string;
  readonly description?: string;
  readonly options: Schema;
  readonly create: (options: z.output<Schema>, context: Context) => Instance;
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(?:[-/][a-z0-9]+)*$/;

/** Builds the `defineX` helper of one contract. */
export function definer<Kind extends string, Context, Instance>(contract: Kind) {
  return <Schema extends z.ZodType>(
    input: DefinitionInput<Schema, Context, Instance>,
  ): Definition<Kind, Schema, Context, Instance> => {
    if (!NAME_PATTERN.test(input.name)) {
      throw new HvsimError(
        'invalid-name',
        `expected a kebab-case name such as "content-based", got ${JSON.stringify(input.name)}`,
        `${contract}.name`,
      );
    }
    return {
      contract,
      name: input.name,
      description: input.description ?? '',
      options: input.options,
      create(options, context) {
        const parsed = input.options.safeParse(options ?? {});
        if (!parsed.success) {
          throw new InvalidOptionsError(
            `${input.name}.options`,
            parsed.error.issues.map((issue) => ({
              path: issue.path.length === 0 ? '(root)' : issue.path.join('.'),
              message: issue.message,
            })),
          );
        }
        return input.create(parsed.data, context);
      },
    };
  };
}
