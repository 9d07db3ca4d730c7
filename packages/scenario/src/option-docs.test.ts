import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { optionDocs } from './option-docs';

describe('optionDocs', () => {
  it('lists every option, nested objects as dotted paths', () => {
    const options = z.object({
      size: z.number().describe('how big'),
      driver: z
        .object({ rate: z.number().default(1).describe('how fast'), on: z.boolean().describe('whether') })
        .default({ rate: 1, on: true })
        .describe('the driver'),
      plain: z.string(),
    });
    expect(optionDocs(options)).toEqual([
      { name: 'size', description: 'how big' },
      { name: 'driver', description: 'the driver' },
      { name: 'driver.rate', description: 'how fast' },
      { name: 'driver.on', description: 'whether' },
      { name: 'plain', description: '' },
    ]);
  });

  it('lists the choices of a union and says which choices bring a field', () => {
    const options = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a').describe('the first'), shared: z.number().describe('both have it') }),
      z.object({
        kind: z.literal('b'),
        shared: z.number().describe('both have it'),
        extra: z.number().describe('only b'),
      }),
    ]);
    expect(optionDocs(options)).toEqual([
      { name: 'kind', description: 'one of "a" (the first), "b"' },
      { name: 'shared', description: 'both have it' },
      { name: 'extra', description: 'only b (only with kind "b")' },
    ]);
  });

  it('follows a union nested in a field, a bare name or an object', () => {
    const model = z.union([
      z.enum(['zero', 'mix']),
      z.discriminatedUnion('model', [
        z.object({ model: z.literal('zero') }),
        z.object({ model: z.literal('mix'), share: z.number().describe('how much') }),
      ]),
    ]);
    expect(optionDocs(z.object({ content: model.describe('what writes store') }))).toEqual([
      { name: 'content', description: 'what writes store' },
      { name: 'content.model', description: 'one of "zero", "mix"' },
      { name: 'content.share', description: 'how much (only with content.model "mix")' },
    ]);
  });
});
