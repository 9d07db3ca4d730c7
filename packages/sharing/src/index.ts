/**
 * @hvsim/sharing — page-sharing engines: ESX's content-based sharing (random scanning, one hash table of
 * shared frames and hints, a full compare before every share, share-before-swap), Linux KSM (an in-order
 * scan, stable and unstable trees, a checksum gate) and Disco's transparent sharing (pages shared as the
 * virtual disk reads them) and Satori's sharing-aware block device (blocks shared as they are read, no disk
 * I/O; savings credited to the sharers and repaid from their volatile page cache).
 */
export {
  type ContentBasedOptions,
  ContentBasedSharing,
  contentBased,
  contentBasedOptions,
} from './content-based';
export { ContentHash } from './content-hash';
export { type KsmOptions, KsmSharing, ksm, ksmOptions } from './ksm';
export { SatoriSharing, satori, satoriOptions } from './satori';
export { TransparentSharing, transparent, transparentOptions } from './transparent';

import { contentBased } from './content-based';
import { ksm } from './ksm';
import { satori } from './satori';
import { transparent } from './transparent';

/** The sharing engines of this package, for a registry. */
export const sharingDefinitions = [contentBased, ksm, transparent, satori] as const;
