import { HvsimError } from '@hvsim/spec';

/**
 * A workload's op aimed outside the guest's virtual pages or disk: a typed array has no element at a negative,
 * fractional or too large index, so a lookup that finds none lands here.
 */
export function badTarget(what: string, length: number, target: number): never {
  throw new HvsimError('invalid-op', `${what} ${target}, outside [0, ${length})`, 'workload target');
}
