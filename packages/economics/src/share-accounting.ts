import { InvalidInputError } from '@hvsim/spec';

/**
 * Who pays for a shared page:
 * - `every-mapper`: each VM mapping it is charged a whole page, as ESX does — sharing saves the host memory
 *   but gives no VM more room;
 * - `split`: its mappers share the charge evenly (1 / refs each), so a VM that shares more is charged less;
 * - `first-owner`: the first VM to map it pays the whole page, the others nothing.
 */
export type ShareCharging = 'every-mapper' | 'split' | 'first-owner';

export const SHARE_CHARGING: readonly ShareCharging[] = ['every-mapper', 'split', 'first-owner'];

/**
 * Pages each VM is charged for: its private pages, plus its part of every shared frame it maps. A frame is
 * the list of the VMs mapping it (by index, a VM once per page it maps there), its first owner first.
 * Compared with the pages a VM maps, the difference is the room sharing gives it (its page-share advantage).
 */
export function chargedPages(
  charging: ShareCharging,
  privatePages: ArrayLike<number>,
  sharedFrames: readonly (readonly number[])[],
): Float64Array {
  const charged = Float64Array.from(privatePages);
  sharedFrames.forEach((mappers, f) => {
    if (mappers.length === 0)
      throw new InvalidInputError(`sharedFrames[${f}]`, 'expected at least one mapper');
    for (const [j, vm] of mappers.entries()) {
      if (!(Number.isInteger(vm) && vm >= 0 && vm < charged.length)) {
        throw new InvalidInputError(
          `sharedFrames[${f}][${j}]`,
          `expected a VM index below ${charged.length}, got ${vm}`,
        );
      }
      if (charging === 'every-mapper') charged[vm]!++;
      else if (charging === 'split') charged[vm]! += 1 / mappers.length;
      else if (j === 0) charged[vm]!++;
    }
  });
  return charged;
}
