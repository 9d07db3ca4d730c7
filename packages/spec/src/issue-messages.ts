import type { z } from 'zod';
import { countOf } from './words';

// zod's own messages ("Too small: expected number to be >=0") speak of its types, not of what a user wrote.
// This error map words the common issues as hvsim does everywhere else: what was expected, what was given.
// A schema's own message (`error:` on it, or a refinement's) still wins over it.

/** A value as a user wrote it, in a few words. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'string') {
    return JSON.stringify(input.length > 40 ? `${input.slice(0, 37)}...` : input);
  }
  return String(input);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object of named fields',
  array: 'a list',
  bigint: 'a whole number',
};

const bound = (issue: { inclusive?: boolean }, strict: string, inclusive: string) =>
  issue.inclusive === false ? strict : inclusive;

function sizeWords(origin: string, count: number | bigint): string {
  const n = Number(count);
  return countOf(n, origin === 'string' ? 'character' : 'item');
}

/** The message of one zod issue in hvsim's words, or undefined to keep zod's. */
export const hvsimIssueMessage: z.core.$ZodErrorMap = (issue) => {
  const got = describeInput(issue.input);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${got}`;
    }
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return `expected a number ${bound(issue, 'above', 'of at least')} ${issue.minimum}, got ${got}`;
      }
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'expected a non-empty text';
      return `expected at least ${sizeWords(issue.origin, issue.minimum)}`;
    }
    case 'too_big': {
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return `expected a number ${bound(issue, 'below', 'of at most')} ${issue.maximum}, got ${got}`;
      }
      return `expected at most ${sizeWords(issue.origin, issue.maximum)}`;
    }
    case 'invalid_value':
      return `expected ${
        issue.values.length === 1
          ? JSON.stringify(issue.values[0])
          : `one of ${issue.values.map((v) => String(v)).join(', ')}`
      }, got ${got}`;
    case 'invalid_format':
      return issue.pattern === undefined
        ? `expected ${issue.format} text, got ${got}`
        : `expected text matching ${issue.pattern}, got ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, got ${got}`;
    case 'invalid_union':
      return `expected one of the forms this field takes, got ${got}`;
    default:
      return undefined;
  }
};
