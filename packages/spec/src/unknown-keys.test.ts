import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { nearestKey, unknownKeyMessage, unknownKeys } from './unknown-keys';

const options = z.object({
  alpha: z.number().default(1),
  balloon: z
    .object({ limit: z.number().default(1), rate: z.number().default(1) })
    .prefault({})
    .optional(),
  tau: z.union([z.number(), z.array(z.object({ from: z.number(), tau: z.number() }))]).optional(),
  size: z.union([z.number(), z.string()]).transform(Number).pipe(z.number()).optional(),
  extra: z.looseObject({ known: z.number().optional() }).optional(),
  table: z.record(z.string(), z.object({ weight: z.number() })).optional(),
});

describe('unknown keys', () => {
  test('a plain object schema names a key it does not declare, with the keys it does', () => {
    expect(unknownKeys(options, { alpah: 0.5 })).toEqual([
      { path: ['alpah'], key: 'alpah', known: ['alpha', 'balloon', 'tau', 'size', 'extra', 'table'] },
    ]);
  });

  test('keys named like Object.prototype members are unknown keys, not a way into the prototype', () => {
    // Found by fuzzing scenarios: `__proto__: null` in a file made the search read Object.prototype as a schema.
    const value = JSON.parse('{"__proto__": null, "constructor": 1, "toString": {}}');
    expect(unknownKeys(options, value).map((f) => f.key)).toEqual(['__proto__', 'constructor', 'toString']);
  });

  test('nested objects behind optional and prefault, list items and record values are searched', () => {
    const found = unknownKeys(options, {
      balloon: { limt: 1 },
      tau: [
        { from: 0, tau: 0 },
        { form: 1, tau: 0.5 },
      ],
      table: { a: { wieght: 1 } },
    });
    expect(found.map((f) => f.path)).toEqual([
      ['balloon', 'limt'],
      ['tau', 1, 'form'],
      ['table', 'a', 'wieght'],
    ]);
  });

  test('a loose object accepts any key: that is how an author opts out', () => {
    expect(unknownKeys(options, { extra: { anything: 1, known: 2 } })).toEqual([]);
  });

  test('a union flags a key only when no member accepts it; scalars and piped values pass', () => {
    expect(unknownKeys(options, { tau: 0.5, size: '12' })).toEqual([]);
    const union = z.union([z.object({ a: z.number() }), z.object({ b: z.number() })]);
    expect(unknownKeys(union, { b: 1 })).toEqual([]);
    expect(unknownKeys(union, { c: 1 })).toHaveLength(1);
  });

  test('values that are not objects have no keys to check', () => {
    expect(unknownKeys(options, 'fast')).toEqual([]);
    expect(unknownKeys(options, null)).toEqual([]);
    expect(unknownKeys(options, [1, 2])).toEqual([]);
  });

  test.prop([fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in options.shape))])(
    'every undeclared top-level key is found, whatever its name',
    (key) => {
      const found = unknownKeys(options, { alpha: 2, [key]: 1 });
      expect(found.map((f) => f.key)).toEqual([key]);
    },
  );
});

describe('the nearest known key', () => {
  test('suggests a plausible typo: a transposition, a dropped letter, another case', () => {
    expect(nearestKey('alpah', ['alpha', 'pages'])).toBe('alpha');
    expect(nearestKey('bootTim', ['bootTime', 'kernel'])).toBe('bootTime');
    expect(nearestKey('swapin', ['swapIn', 'swapOut'])).toBe('swapIn');
  });

  test('suggests nothing for a word that is not near any', () => {
    expect(nearestKey('colour', ['name', 'memory', 'guest'])).toBeUndefined();
    expect(nearestKey('xy', ['ab'])).toBeUndefined();
  });

  test('the message names the owner, the key and the suggestion or the choices', () => {
    const found = { path: ['alpah'], key: 'alpah', known: ['alpha', 'pages'] };
    expect(unknownKeyMessage('zipf', 'option', found)).toBe(
      'zipf has no option "alpah"; did you mean "alpha"?',
    );
    expect(unknownKeyMessage('zipf', 'option', { ...found, key: 'zzz' })).toBe(
      'zipf has no option "zzz"; expected one of alpha, pages',
    );
    expect(unknownKeyMessage('oracle', 'option', { ...found, known: [] })).toBe(
      'oracle has no option "alpah"; it takes none',
    );
  });
});
