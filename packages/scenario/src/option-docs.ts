import { z } from 'zod';

/** One option a definition takes, as `hvsim list` shows it. */
export interface OptionDoc {
  /** Its path in the options: `limit`, or `balloon.limit` for a nested one. */
  readonly name: string;
  readonly description: string;
}

type JsonSchema = {
  readonly description?: string;
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
};

/**
 * Every option of a definition's options schema, nested objects as dotted paths, read from its JSON Schema.
 * Where the options are one of several shapes picked by a field (a trace's `format`, a content `model`), that
 * field lists its choices and a field only some shapes have says which.
 */
export function optionDocs(options: z.ZodType): OptionDoc[] {
  const schema = z.toJSONSchema(options, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return describe(schema, '');
}

/** The object shapes a schema may take, through nested unions. */
function shapes(schema: JsonSchema): JsonSchema[] {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.flatMap(shapes);
  return schema.properties ? [schema] : [];
}

function describe(schema: JsonSchema, prefix: string): OptionDoc[] {
  const found = shapes(schema);
  if (found.length === 1) return describeObject(found[0]!, prefix);
  if (found.length === 0) return [];
  // A union: the field whose value tells the shapes apart, and what each shape brings.
  const keys = Object.keys(found[0]!.properties!);
  const tag = keys.find((key) => found.every((shape) => shape.properties?.[key]?.const !== undefined));
  const choices = found.map((shape) => JSON.stringify(tag ? shape.properties![tag]!.const : '?'));
  const docs = new Map<string, { description: string; in: string[] }>();
  found.forEach((shape, i) => {
    for (const doc of describeObject(shape, prefix)) {
      const entry = docs.get(doc.name) ?? { description: doc.description, in: [] };
      entry.in.push(choices[i]!);
      docs.set(doc.name, entry);
    }
  });
  return [...docs].map(([name, entry]) => {
    if (tag !== undefined && name === prefix + tag) {
      const listed = found.map((shape, i) => {
        const text = shape.properties![tag]!.description;
        return text ? `${choices[i]} (${text})` : choices[i];
      });
      return { name, description: `one of ${listed.join(', ')}` };
    }
    const only = entry.in.length < found.length && tag !== undefined;
    const description = only
      ? `${entry.description} (only with ${prefix}${tag} ${entry.in.join(', ')})`
      : entry.description;
    return { name, description };
  });
}

function describeObject(shape: JsonSchema, prefix: string): OptionDoc[] {
  return Object.entries(shape.properties ?? {}).flatMap(([key, property]) => [
    { name: prefix + key, description: property.description ?? '' },
    ...describe(property, `${prefix}${key}.`),
  ]);
}
