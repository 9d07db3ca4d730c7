/**
 * @hvsim/sharing — page-sharing engines: ESX's content-based sharing (random scanning, one hash table of
 * shared frames and hints, a full compare before every share, share-before-swap) and Linux KSM (an in-order
 * scan, stable and unstable trees, a checksum gate).
 */
export {
  type ContentBasedOptions,
  ContentBasedSharing,
  contentBased,
  contentBasedOptions,
} from './content-based';
export { ContentHash } from './content-hash';
export { type KsmOptions, KsmSharing, ksm, ksmOptions } from './ksm';

import { contentBased } from './content-based';
import { ksm } from './ksm';

/** The sharing engines of this package, for a registry. */
export const sharingDefinitions = [contentBased, ksm] as const;
