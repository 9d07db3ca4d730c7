import { describe, expect, it } from 'vitest';
import {
  durationOption,
  optionalDurationOption,
  optionalSizeOption,
  requiredSizeOption,
  resolvePages,
  sizeOption,
} from './option-schemas';

describe('size options', () => {
  const size = requiredSizeOption('memory');
  it.each([
    ['64MiB', 16384],
    [16384, 16384],
    [0.5, 0.5],
    ['0.25', 0.25],
    ['50%', 0.5],
  ] as const)('%j parses to %j', (input, parsed) => {
    expect(size.parse(input)).toBe(parsed);
  });

  it('refuses zero unless allowed, and garbage with what was expected', () => {
    expect(size.safeParse(0).success).toBe(false);
    expect(optionalSizeOption('swap', { allowZero: true }).parse(0)).toBe(0);
    expect(optionalSizeOption('swap').parse(undefined)).toBeUndefined();
    const bad = size.safeParse('lots');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/expected a size such as "256MiB"/);
    expect(size.safeParse('150%').error?.issues[0]?.message).toMatch(/percentage/);
    expect(size.safeParse(1.5).error?.issues[0]?.message).toMatch(/whole number of pages or a fraction/);
  });

  it('applies defaults as a user would write them and describes itself', () => {
    const kernel = sizeOption('kernel', { default: '8MiB' });
    expect(kernel.parse(undefined)).toBe(2048);
    expect(kernel.description).toMatch(/^kernel — /);
  });

  it('resolves fractions of the VM to pages, at least one', () => {
    expect(resolvePages(0.5, 100)).toBe(50);
    expect(resolvePages(0.001, 100)).toBe(1);
    expect(resolvePages(300, 100)).toBe(300);
  });
});

describe('duration options', () => {
  it('parses durations and names what was expected', () => {
    expect(durationOption('period', { default: '30s' }).parse(undefined)).toBe(30e9);
    expect(optionalDurationOption('until').parse('2min')).toBe(120e9);
    expect(optionalDurationOption('until').safeParse('soon').error?.issues[0]?.message).toMatch(/"30s"/);
  });
});
