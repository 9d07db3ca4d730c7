/**
 * @hvsim/sharing — page-sharing engines: ESX's content-based sharing (random scanning, one hash table of
 * shared frames and hints, a full compare before every share, share-before-swap) and Disco's transparent
 * sharing (pages shared as the virtual disk reads them).
 */
export {
  type ContentBasedOptions,
  ContentBasedSharing,
  contentBased,
  contentBasedOptions,
} from './content-based';
export { ContentHash } from './content-hash';
export { TransparentSharing, transparent, transparentOptions } from './transparent';

import { contentBased } from './content-based';
import { transparent } from './transparent';

/** The sharing engines of this package, for a registry. */
export const sharingDefinitions = [contentBased, transparent] as const;
