import type { z } from 'zod';
import { HvsimError } from './errors';
import { hvsimIssueMessage } from './issue-messages';
import { unknownKeyMessage, unknownKeys } from './unknown-keys';

/** Options a definition was given that do not fit its schema. The message names each field at fault. */
export class InvalidOptionsError extends HvsimError {
  override readonly name = 'InvalidOptionsError';
  readonly issues: readonly { path: string; message: string }[];

  constructor(owner: string, issues: readonly { path: string; message: string }[]) {
    super('invalid-options', issues.map((i) => `${i.path}: ${i.message}`).join('; '), owner);
    this.issues = issues;
  }
}

/** One thing wrong with some options: the path inside them, and what was expected. */
export interface OptionIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `vms[1].workload.pages` from a path of keys and indices; `(root)` for the empty path. */
export const formatFieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    // A key that is itself a path (a sweep's matrix is keyed by them) is quoted, so the two never blur.
    if (/[.[\]\s"]/.test(String(key))) return `${text}[${JSON.stringify(String(key))}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '') || '(root)';

/**
 * Parses `input` with `schema`, strictly: a key no object in the schema declares is an issue too (named by
 * `owner` and `noun`: `zipf has no option "alpah"; did you mean "alpha"?`), and every message is in hvsim's
 * words. Every issue is found at once.
 */
export function parseStrict<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  owner: string,
  noun: string,
): { success: true; data: z.output<Schema> } | { success: false; issues: OptionIssue[] } {
  const unknown = unknownKeys(schema, input).map((found) => {
    const parent = found.path.slice(0, -1);
    return {
      path: found.path,
      message: unknownKeyMessage(
        parent.length === 0 ? owner : `${owner}'s ${formatFieldPath(parent)}`,
        noun,
        found,
      ),
    };
  });
  const parsed = schema.safeParse(input, { error: hvsimIssueMessage });
  const issues = [
    ...unknown,
    ...(parsed.success ? [] : parsed.error.issues)
      // The search above names undeclared keys better (with the nearest known one); zod's stand otherwise.
      .filter(
        (issue) =>
          issue.code !== 'unrecognized_keys' ||
          !issue.keys.every((key) =>
            unknown.some((u) => formatFieldPath(u.path) === formatFieldPath([...issue.path, key])),
          ),
      )
      .map((issue) => ({ path: issue.path as (string | number)[], message: issue.message })),
  ];
  return issues.length === 0 && parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, issues };
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

/**
 * Checks options for a definition without creating anything: unknown keys (however deep) and the schema's
 * own rules. Plain `z.object` schemas are held strict this way; an author who wants extra keys says so with
 * `z.looseObject`.
 */
export const checkOptions = <Schema extends z.ZodType>(
  definition: { readonly name: string; readonly options: Schema },
  options: unknown,
) => parseStrict(definition.options, options ?? {}, definition.name, 'option');

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
    // A scenario file writes the kind beside its options (`{ kind: zipf, alpha: 0.9 }`): an option of that
    // name could never be given.
    const shape = (input.options as { shape?: Record<string, unknown> }).shape;
    if (shape && 'kind' in shape) {
      throw new HvsimError(
        'reserved-option',
        '"kind" names the definition in a scenario file, so no option may be called "kind"',
        `${input.name}.options.kind`,
      );
    }
    return {
      contract,
      name: input.name,
      description: input.description ?? '',
      options: input.options,
      create(options, context) {
        const parsed = checkOptions(input, options);
        if (!parsed.success) {
          throw new InvalidOptionsError(
            `${input.name}.options`,
            parsed.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: issue.message })),
          );
        }
        return input.create(parsed.data, context);
      },
    };
  };
}
