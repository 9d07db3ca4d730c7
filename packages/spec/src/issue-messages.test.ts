import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { describeInput, hvsimIssueMessage } from './issue-messages';

const messages = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input, { error: hvsimIssueMessage });
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe("zod's issues in hvsim's words", () => {
  test('numbers out of range say the bound and the value given', () => {
    expect(messages(z.number().min(0), -1)).toEqual(['expected a number of at least 0, got -1']);
    expect(messages(z.number().positive(), 0)).toEqual(['expected a number above 0, got 0']);
    expect(messages(z.number().max(1), 2)).toEqual(['expected a number of at most 1, got 2']);
    expect(messages(z.number().int(), 1.5)).toEqual(['expected a whole number, got 1.5']);
  });

  test('a wrong type says what was expected and what was given; a missing field is required', () => {
    expect(messages(z.number(), 'fast')).toEqual(['expected a number, got "fast"']);
    expect(messages(z.boolean(), [1])).toEqual(['expected true or false, got a list']);
    expect(messages(z.object({ a: z.number() }), {})).toEqual(['is required']);
  });

  test('choices, lists and texts', () => {
    expect(messages(z.enum(['low', 'normal', 'high']), 'medium')).toEqual([
      'expected one of low, normal, high, got "medium"',
    ]);
    expect(messages(z.array(z.number()).min(1), [])).toEqual(['expected at least 1 item']);
    expect(messages(z.string().min(1), '')).toEqual(['expected a non-empty text']);
  });

  test("a schema's own message wins", () => {
    expect(messages(z.number({ error: 'expected pages' }), 'x')).toEqual(['expected pages']);
  });

  test('no message leaks the validation library’s phrasing', () => {
    const all = [
      ...messages(z.number().min(0), -1),
      ...messages(z.number(), 'x'),
      ...messages(z.enum(['a']), 'b'),
      ...messages(z.array(z.number()).max(1), [1, 2]),
    ];
    for (const message of all) expect(message).not.toMatch(/Too small|Too big|Invalid input|received/);
  });

  test('long texts are cut when quoted back', () => {
    expect(describeInput('x'.repeat(100))).toHaveLength(42);
  });
});
