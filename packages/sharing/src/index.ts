/**
 * @hvsim/sharing — page-sharing engines: ESX's content-based sharing (random scanning, one hash table of
 * shared frames and hints, a full compare before every share, share-before-swap), Linux KSM (an in-order
 * scan, stable and unstable trees, a checksum gate) and Disco's transparent sharing (pages shared as the
 * virtual disk reads them).
 */
export {
  type ContentBasedOptions,
  ContentBasedSharing,
  contentBased,
  contentBasedOptions,
} from './content-based';
export { ContentHash } from './content-hash';
export { type KsmOptions, KsmSharing, ksm, ksmOptions } from './ksm';
export { TransparentSharing, transparent, transparentOptions } from './transparent';

import { contentBased } from './content-based';
import { ksm } from './ksm';
import { transparent } from './transparent';

/** The sharing engines of this package, for a registry. */
export const sharingDefinitions = [contentBased, ksm, transparent] as const;
