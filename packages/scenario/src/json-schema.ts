import { checkOptions } from '@hvsim/spec';
import { z } from 'zod';
import { defaultRegistry, type Registry } from './registry';
import { scenarioSchema, slotContract } from './schema';
import { sweepSchema } from './sweep-schema';

interface JsonSchema {
  type?: unknown;
  description?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  [key: string]: unknown;
}

const OPTIONS = { io: 'input', unrepresentable: 'any' } as const;

/**
 * Holds a JSON Schema as strict as the loader: an object schema that says nothing of other keys refuses
 * them (a plain `z.object` emits no `additionalProperties`; a loose one emits `{}` and stays open).
 */
function strict(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) strict(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  if (schema.type === 'object' && schema.properties !== undefined && !('additionalProperties' in schema)) {
    schema.additionalProperties = false;
  }
  for (const value of Object.values(schema)) strict(value);
}

/** A kind's options as the object form of a slot takes them: `kind` beside them, in every form they take. */
function withKind(options: JsonSchema, kind: string, description: string): JsonSchema {
  const members = options.anyOf ?? options.oneOf;
  if (members) return { description, anyOf: members.map((member) => withKind(member, kind, description)) };
  return {
    ...options,
    type: 'object',
    description,
    properties: { kind: { const: kind }, ...options.properties },
    required: ['kind', ...(options.required ?? [])],
    additionalProperties: options.additionalProperties ?? false,
  };
}

/**
 * One slot (a VM's guest, a policy, …) as JSON Schema: the name of a kind that needs no options (the
 * shorthand `guest: windows`), or an object with `kind` and that kind's own options, one branch per kind.
 */
function slotSchema(registry: Registry, contract: string, description: string | undefined): JsonSchema {
  const definitions = registry.list().filter((d) => d.contract === contract);
  const branches = definitions.map((definition) => {
    const { $schema: _, ...options } = z.toJSONSchema(definition.options, OPTIONS) as JsonSchema;
    strict(options);
    return withKind(options, definition.name, definition.description);
  });
  const shorthand = definitions.filter((d) => checkOptions(d, {}).success).map((d) => d.name);
  return {
    ...(description === undefined ? {} : { description }),
    anyOf: [{ type: 'string', enum: shorthand }, ...branches],
  };
}

/**
 * JSON Schema of scenario files, for editor completion and validation: every slot is a union over the
 * registered kinds, keyed by `kind`, each with its options, descriptions and defaults — plugins' kinds too,
 * when their modules are registered.
 */
export function scenarioJsonSchema(registry: Registry = defaultRegistry()): object {
  return z.toJSONSchema(scenarioSchema, {
    ...OPTIONS,
    override: (ctx) => {
      const contract = slotContract(ctx.zodSchema as unknown as z.ZodType);
      if (contract === undefined) return;
      const slot = slotSchema(registry, contract, ctx.jsonSchema.description);
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
      Object.assign(ctx.jsonSchema, slot);
    },
  });
}

/**
 * JSON Schema of sweep files: the sweep's own fields, with its `scenario` either a path or a scenario written
 * inline, which follows the scenario files' schema.
 */
export function sweepJsonSchema(registry: Registry = defaultRegistry()): object {
  const schema = z.toJSONSchema(sweepSchema, OPTIONS) as JsonSchema;
  strict(schema);
  const { $schema: _, ...scenario } = scenarioJsonSchema(registry) as JsonSchema;
  const field = schema.properties!['scenario'] as JsonSchema;
  schema.properties!['scenario'] = {
    ...(field.description === undefined ? {} : { description: field.description }),
    anyOf: [{ type: 'string', minLength: 1 }, scenario],
  };
  return schema;
}
