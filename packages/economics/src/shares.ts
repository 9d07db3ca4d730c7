import { InvalidInputError, PAGE_SIZE } from '@hvsim/spec';

/**
 * Shares per MiB of configured memory for the named levels (vSphere: high 20, normal 10, low 5 — ESX 2.x had
 * the same 4 : 2 : 1 ratio), so a VM's default shares grow with its size.
 */
export const SHARES_PER_MIB = { low: 5, normal: 10, high: 20 } as const;
export type ShareLevel = keyof typeof SHARES_PER_MIB;

const PAGES_PER_MIB = (1024 * 1024) / PAGE_SIZE;

/** A VM's shares: a level scaled by its configured pages, or a number given outright (0 pins it at its min). */
export function sharesOf(shares: ShareLevel | number, maxPages: number): number {
  if (typeof shares === 'number') {
    if (!(shares >= 0 && shares < Infinity)) {
      throw new InvalidInputError('shares', `expected a finite number of shares, 0 or more, got ${shares}`);
    }
    return shares;
  }
  const perMib = SHARES_PER_MIB[shares];
  if (perMib === undefined) {
    throw new InvalidInputError(
      'shares',
      `expected low, normal, high or a number, got ${JSON.stringify(shares)}`,
    );
  }
  return (perMib * maxPages) / PAGES_PER_MIB;
}
