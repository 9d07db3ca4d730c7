/**
 * @hvsim/sharing — page-sharing engines: ESX's content-based sharing (random scanning, one hash table of
 * shared frames and hints, a full compare before every share, share-before-swap).
 */
export {
  type ContentBasedOptions,
  ContentBasedSharing,
  contentBased,
  contentBasedOptions,
} from './content-based';
export { ContentHash } from './content-hash';

import { contentBased } from './content-based';

/** The sharing engines of this package, for a registry. */
export const sharingDefinitions = [contentBased] as const;
