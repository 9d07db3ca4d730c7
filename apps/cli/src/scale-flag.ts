import { InvalidInputError, MAX_SCALE } from '@hvsim/spec';

/** A miniature's scale from the command line: a whole number from 1 (full size) to MAX_SCALE. */
export function parseScale(text: string, flag = '--scale'): number {
  const scale = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || scale < 1 || scale > MAX_SCALE) {
    throw new InvalidInputError(
      flag,
      `expected a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(text)}`,
    );
  }
  return scale;
}

/** Items separated by commas or blanks, in one argument or many, as a shell user types a list. */
const listTokens = (texts: string | readonly string[]): string[] =>
  [texts]
    .flat()
    .flatMap((text) => text.split(/[\s,]+/))
    .filter((token) => token !== '');

/** The first item given twice, if any. */
const repeatedItem = (items: readonly number[]): number | undefined =>
  items.find((item, i) => items.indexOf(item) !== i);

/** Scales separated by commas or blanks (`4,16,64`), each above 1 and each once. */
export function parseScales(texts: string | readonly string[], flag = '--scales'): number[] {
  const tokens = listTokens(texts);
  if (tokens.length === 0) throw new InvalidInputError(flag, 'expected at least one scale, such as 16');
  const scales = tokens.map((token) => parseScale(token, flag));
  if (scales.includes(1)) {
    throw new InvalidInputError(flag, 'expected scales above 1: the full run is always made');
  }
  const repeated = repeatedItem(scales);
  if (repeated !== undefined) throw new InvalidInputError(flag, `the scale ${repeated} is given twice`);
  return scales;
}

/** Seeds separated by commas or blanks (`1,2,3`): whole numbers, each once. */
export function parseSeeds(texts: string | readonly string[], flag = '--seeds'): number[] {
  const tokens = listTokens(texts);
  if (tokens.length === 0) throw new InvalidInputError(flag, 'expected at least one seed, such as 1');
  const seeds = tokens.map((token) => {
    if (!/^-?\d+$/.test(token) || !Number.isSafeInteger(Number(token))) {
      throw new InvalidInputError(flag, `expected whole numbers, got ${JSON.stringify(token)}`);
    }
    return Number(token);
  });
  const repeated = repeatedItem(seeds);
  if (repeated !== undefined) throw new InvalidInputError(flag, `the seed ${repeated} is given twice`);
  return seeds;
}
