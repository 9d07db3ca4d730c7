import { HvsimError } from '@hvsim/spec';

/**
 * One step of a path into a document: a key of a map, a list item by position, a list item by its `name`, or
 * every item of a list.
 */
export type PathStep =
  | { readonly key: string }
  | { readonly index: number }
  | { readonly name: string }
  | { readonly all: true };

/** A path that does not parse, or does not lead anywhere in the document it is used on. */
export class DocumentPathError extends HvsimError {
  override readonly name = 'DocumentPathError';
  constructor(path: string, message: string) {
    super('invalid-path', message, path);
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const SEGMENT = /^([A-Za-z_$][\w$-]*)((?:\[[^\]]*\])*)$/;

/**
 * Parses a dot path such as `host.memory`, `vms[web].count` (the item named `web`), `vms[0].pages` or
 * `vms[*].throughput` (every item).
 */
export function parseDocumentPath(path: string): PathStep[] {
  if (path.trim() === '')
    throw new DocumentPathError(path, 'expected a path such as host.memory, got nothing');
  const steps: PathStep[] = [];
  for (const segment of path.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match) {
      throw new DocumentPathError(
        path,
        `expected keys joined by dots, each maybe followed by [name], [index] or [*]; "${segment}" is not one`,
      );
    }
    // A key of Object.prototype would write through to every object of the process.
    if (FORBIDDEN.has(match[1]!))
      throw new DocumentPathError(path, `"${match[1]}" cannot be a key of a path`);
    steps.push({ key: match[1]! });
    for (const [, selector] of match[2]!.matchAll(/\[([^\]]*)\]/g)) {
      const item = selector!.trim();
      if (item === '') throw new DocumentPathError(path, 'expected a name, an index or * between [ and ]');
      if (item === '*') steps.push({ all: true });
      else if (/^\d+$/.test(item)) steps.push({ index: Number(item) });
      else steps.push({ name: item });
    }
  }
  return steps;
}

/** A path's text again, from the steps taken so far: for messages. */
const describe = (steps: readonly PathStep[]): string =>
  steps
    .map((step, i) =>
      'key' in step
        ? `${i === 0 ? '' : '.'}${step.key}`
        : 'index' in step
          ? `[${step.index}]`
          : 'name' in step
            ? `[${step.name}]`
            : '[*]',
    )
    .join('') || '(the document)';

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const names = (list: readonly unknown[]): string =>
  list
    .map((item) => (isMap(item) && typeof item['name'] === 'string' ? item['name'] : undefined))
    .filter((name) => name !== undefined)
    .join(', ') || 'none has a name';

/** The items of `list` a list step picks, as indices. */
function pick(list: readonly unknown[], step: PathStep, path: string, at: readonly PathStep[]): number[] {
  if ('all' in step) return list.map((_, i) => i);
  if ('index' in step) {
    if (step.index >= list.length) {
      throw new DocumentPathError(
        path,
        `${describe(at)} has ${list.length} items; expected an index below ${list.length}, got ${step.index}`,
      );
    }
    return [step.index];
  }
  const name = (step as { name: string }).name;
  const found = list.findIndex((item) => isMap(item) && item['name'] === name);
  if (found < 0) {
    throw new DocumentPathError(path, `${describe(at)} has no item named "${name}" (names: ${names(list)})`);
  }
  return [found];
}

/**
 * Every value `path` leads to in `document` (one, unless a step is `[*]`). A key that is missing leads to
 * `undefined`; a list step on anything but a list, or a name or index the list lacks, is an error.
 */
export function readPath(document: unknown, path: string): unknown[] {
  const steps = parseDocumentPath(path);
  let values: unknown[] = [document];
  steps.forEach((step, i) => {
    const at = steps.slice(0, i);
    values = values.flatMap((value) => {
      if ('key' in step) {
        if (value === undefined) return [undefined];
        if (!isMap(value))
          throw new DocumentPathError(path, `${describe(at)} is not a map, so has no key "${step.key}"`);
        return [value[step.key]];
      }
      if (!Array.isArray(value)) throw new DocumentPathError(path, `${describe(at)} is not a list`);
      return pick(value, step, path, at).map((index) => value[index]);
    });
  });
  return values;
}

/**
 * Sets what `path` leads to in `document` to `value`, in place: every item for `[*]`. Maps missing on the way
 * are made (`policies.stack` in a scenario without `policies`); lists are never made, and a list step must
 * find its items.
 */
export function writePath(document: Record<string, unknown>, path: string, value: unknown): void {
  const steps = parseDocumentPath(path);
  const visit = (node: unknown, i: number): void => {
    const step = steps[i]!;
    const at = steps.slice(0, i);
    const last = i === steps.length - 1;
    if ('key' in step) {
      if (!isMap(node))
        throw new DocumentPathError(path, `${describe(at)} is not a map, so has no key "${step.key}"`);
      if (last) {
        node[step.key] = structuredClone(value);
        return;
      }
      if (node[step.key] === undefined && 'key' in steps[i + 1]!) node[step.key] = {};
      if (node[step.key] === undefined) {
        throw new DocumentPathError(path, `${describe(steps.slice(0, i + 1))} is missing, so has no items`);
      }
      visit(node[step.key], i + 1);
      return;
    }
    if (!Array.isArray(node)) throw new DocumentPathError(path, `${describe(at)} is not a list`);
    for (const index of pick(node, step, path, at)) {
      if (last) node[index] = structuredClone(value);
      else visit(node[index], i + 1);
    }
  };
  visit(document, 0);
}
