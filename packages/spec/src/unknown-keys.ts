import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** A key an object schema does not declare, where it was found, and the keys that object does declare. */
export interface UnknownKey {
  /** Path of the unknown key itself, e.g. `['balloon', 'limt']`. */
  readonly path: readonly (string | number)[];
  readonly key: string;
  readonly known: readonly string[];
}

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Form = 'object' | 'array' | 'scalar';

const formOf = (value: unknown): Form =>
  Array.isArray(value) ? 'array' : isRecord(value) ? 'object' : 'scalar';

/** The forms of value a schema can accept, looking through wrappers and unions. */
function formsOf(schema: z.ZodType): Set<Form> {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
    case 'record':
      return new Set(['object']);
    case 'array':
    case 'tuple':
      return new Set(['array']);
    case 'pipe':
      return formsOf(def.in!);
    case 'lazy':
      return formsOf(def.getter!());
    case 'union':
      return new Set((def.options ?? []).flatMap((option) => [...formsOf(option)]));
    default:
      return def.innerType ? formsOf(def.innerType) : new Set(['scalar']);
  }
}

/**
 * Every key in `value` that its object schema does not declare, however deep. zod's plain `z.object` drops
 * such keys without a word, so a misspelt option would fall back to its default: this finds them whatever
 * the schema's author wrote. An object that accepts any key (`z.looseObject`, a catchall) is left alone —
 * that is how an author opts out — and a union flags a key only when no member the value fits accepts it.
 */
export function unknownKeys(
  schema: z.ZodType,
  value: unknown,
  path: readonly (string | number)[] = [],
): UnknownKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isRecord(value)) return [];
      const shape = def.shape ?? {};
      const strict = def.catchall === undefined || defOf(def.catchall).type === 'never';
      const known = Object.keys(shape);
      return Object.entries(value).flatMap(([key, inner]) => {
        // Own keys only: `__proto__` or `constructor` in a file are keys, not the shape's prototype.
        const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (field) return unknownKeys(field, inner, [...path, key]);
        return strict ? [{ path: [...path, key], key, known }] : [];
      });
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return unknownKeys(def.innerType!, value, path);
    case 'pipe':
      return unknownKeys(def.in!, value, path);
    case 'lazy':
      return unknownKeys(def.getter!(), value, path);
    case 'union': {
      // The members the value fits are the ones it was meant for (a schedule, not the number beside it).
      const members = def.options ?? [];
      // When none fits, those of the value's form: an object's keys are not checked against a number.
      const fitting = members.filter((option) => option.safeParse(value).success);
      const candidates =
        fitting.length > 0 ? fitting : members.filter((option) => formsOf(option).has(formOf(value)));
      let fewest: UnknownKey[] | undefined;
      for (const option of candidates) {
        const found = unknownKeys(option, value, path);
        if (found.length === 0) return [];
        if (!fewest || found.length < fewest.length) fewest = found;
      }
      return fewest ?? [];
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => unknownKeys(def.element!, item, [...path, i]))
        : [];
    case 'tuple':
      return Array.isArray(value)
        ? (def.items ?? []).flatMap((item, i) => unknownKeys(item, value[i], [...path, i]))
        : [];
    case 'record':
      return isRecord(value)
        ? Object.entries(value).flatMap(([key, inner]) => unknownKeys(def.valueType!, inner, [...path, key]))
        : [];
    default:
      return [];
  }
}

/** The known key a misspelt one most likely meant, if any is close enough to be a plausible typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const limit = key.length <= 3 ? 1 : Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * `zipf has no option "alpah"; did you mean "alpha"?` — `owner` names what holds the key (a definition's
 * name, or a field of a scenario), `noun` what its keys are called.
 */
export function unknownKeyMessage(owner: string, noun: string, found: UnknownKey): string {
  const near = nearestKey(found.key, found.known);
  const text = `${owner} has no ${noun} ${JSON.stringify(found.key)}`;
  if (near !== undefined) return `${text}; did you mean ${JSON.stringify(near)}?`;
  return found.known.length === 0
    ? `${text}; it takes none`
    : `${text}; expected one of ${found.known.join(', ')}`;
}
