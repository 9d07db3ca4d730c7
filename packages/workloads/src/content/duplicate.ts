import { type ContentId, InvalidInputError, type VmId } from '@hvsim/spec';
import type { ContentModel } from './content-model';
import { PageHash } from './hash';
import { checkContentVm, DUPLICATE_BASE, DUPLICATE_SLOTS_PER_VM, MAX_DUPLICATE_POOL } from './layout';

/** Salt of the page → slot hash, distinct from the mix model's class hash so the two are independent. */
const SLOT_SALT = 0x2d0b;

/**
 * Duplicates inside one VM (zeroed buffers with a header, copies of the same file): a small per-VM pool of
 * contents, each page always taking the same slot (a stable hash of its page number). Pages of one VM repeat
 * one another; no other VM ever writes these contents.
 */
export class DuplicateContent implements ContentModel {
  readonly model = 'duplicate';
  readonly pool: number;
  readonly #base: number;
  readonly #slotHash = new PageHash(SLOT_SALT);

  constructor(vm: VmId, pool = 32) {
    checkContentVm(vm);
    if (!Number.isInteger(pool) || pool < 1 || pool > MAX_DUPLICATE_POOL) {
      throw new InvalidInputError(
        'pool',
        `expected a whole number in [1, ${MAX_DUPLICATE_POOL}], got ${pool}`,
      );
    }
    this.pool = pool;
    this.#base = DUPLICATE_BASE + vm * DUPLICATE_SLOTS_PER_VM;
  }

  contentFor(vpn: number): ContentId {
    return this.#base + (this.#slotHash.of(vpn) % this.pool);
  }
}
