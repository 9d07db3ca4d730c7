import { InvalidInputError, MAX_SCALE } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { parseScale, parseScales, parseSeeds } from './scale-flag';

/** The error a parse throws: an InvalidInputError whose message starts with the flag. */
function refusal(parse: () => unknown): InvalidInputError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected the input to be refused');
}

describe('parseScale', () => {
  it('reads a whole number from 1 to MAX_SCALE', () => {
    expect(parseScale('1')).toBe(1);
    expect(parseScale('16')).toBe(16);
    expect(parseScale(' 64 ')).toBe(64);
    expect(parseScale(String(MAX_SCALE))).toBe(MAX_SCALE);
  });

  it.each(['0', '1.5', '-4', String(MAX_SCALE + 1), 'x', '', '1e2', '0x10'])(
    'refuses %j, naming --scale and what was typed',
    (text) => {
      const error = refusal(() => parseScale(text));
      expect(error.field).toBe('--scale');
      expect(error.message).toBe(
        `--scale: expected a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(text)}`,
      );
    },
  );

  it('names the flag it is given', () => {
    expect(refusal(() => parseScale('0', '--mini')).message).toMatch(/^--mini: /);
  });
});

describe('parseScales', () => {
  it('reads scales separated by commas or blanks, in one argument or many, in order', () => {
    expect(parseScales('4,16,64')).toEqual([4, 16, 64]);
    expect(parseScales('16 4')).toEqual([16, 4]);
    expect(parseScales(['4,', '16', ' 64'])).toEqual([4, 16, 64]);
    expect(parseScales(['8'])).toEqual([8]);
  });

  it.each([
    ['1', 'expected scales above 1: the full run is always made'],
    ['4,1', 'expected scales above 1: the full run is always made'],
    ['4,4', 'the scale 4 is given twice'],
    [['16', '4,16'], 'the scale 16 is given twice'],
    ['x', `expected a whole number from 1 to ${MAX_SCALE}, got "x"`],
    ['4,2.5', `expected a whole number from 1 to ${MAX_SCALE}, got "2.5"`],
    ['', 'expected at least one scale, such as 16'],
    [' , ', 'expected at least one scale, such as 16'],
    [[], 'expected at least one scale, such as 16'],
  ] as const)('refuses %j, naming --scales', (texts, reason) => {
    const error = refusal(() => parseScales(texts));
    expect(error.field).toBe('--scales');
    expect(error.message).toBe(`--scales: ${reason}`);
  });
});

describe('parseSeeds', () => {
  it('reads whole numbers, negative ones too, separated by commas or blanks', () => {
    expect(parseSeeds('1,2,3')).toEqual([1, 2, 3]);
    expect(parseSeeds(['7', '-2 0'])).toEqual([7, -2, 0]);
  });

  it.each([
    ['1.5', 'expected whole numbers, got "1.5"'],
    ['1,x', 'expected whole numbers, got "x"'],
    [String(2 ** 60), `expected whole numbers, got "${2 ** 60}"`],
    ['3,3', 'the seed 3 is given twice'],
    ['', 'expected at least one seed, such as 1'],
  ] as const)('refuses %j, naming --seeds', (texts, reason) => {
    const error = refusal(() => parseSeeds(texts));
    expect(error.field).toBe('--seeds');
    expect(error.message).toBe(`--seeds: ${reason}`);
  });
});
