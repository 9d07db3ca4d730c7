import { HvsimError } from '@hvsim/spec';

/** What an engine was attached to, or a clear error when it is used before `attach`. */
export function attached<T>(value: T | undefined, engine: string): T {
  if (value === undefined)
    throw new HvsimError('not-attached', `the ${engine} sharing engine is not attached to a host`);
  return value;
}
