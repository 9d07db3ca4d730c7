import { type ContentId, InvalidInputError, type VmId, ZERO_CONTENT } from '@hvsim/spec';
import type { ContentModel } from './content-model';
import { DuplicateContent } from './duplicate';
import { PageHash } from './hash';
import { OsImageContent } from './os-image';
import { UniqueContent } from './unique';

export interface MixFractions {
  /** Pages that hold zeros (freed, zeroed or never-filled buffers). */
  readonly zero: number;
  /** Pages common to the OS image: identical in every VM with the same image. */
  readonly osImage: number;
  /** Pages that repeat other pages of the same VM. The rest of the pages are unique. */
  readonly duplicate: number;
}

/**
 * Defaults, from ESX's measurements (esx-osdi02 §3.4–3.5): production hosts reclaimed 7–33% of memory by
 * sharing, zero pages being about 4–20% of what was reclaimed (1.5–4% of memory), and identical SPEC95 VMs
 * shared up to 67%. A mid-range general-purpose guest: 5% zero, 20% OS image, 5% intra-VM duplicates and
 * 70% unique, so a host of N such VMs reclaims about 5% + 5% + 20%·(N−1)/N, near Figure 5's 18.7–32.9%.
 */
export const DEFAULT_MIX: MixFractions = { zero: 0.05, osImage: 0.2, duplicate: 0.05 };

/** Salt of the class hash when none is given. VMs must use the same salt for their OS-image pages to line up. */
const CLASS_SALT = 0x6d6978;

/**
 * A realistic page population: each page is given a class — zero, os-image, duplicate or unique — by a
 * stable hash of its page number, in the given fractions, and writes store that class's content. The hash
 * ignores the VM and the seed, so identical VMs (same fractions, image and salt) put OS-image contents on
 * the same pages.
 */
export class MixContent implements ContentModel {
  readonly model = 'mix';
  readonly fractions: MixFractions;
  readonly #classHash: PageHash;
  // Class boundaries on the 32-bit hash, scaled by 2^32 (exactly, so comparing the hash with them is comparing
  // hash / 2^32 with the fractions): [0, zeroEnd) zero, [zeroEnd, osEnd) os-image, [osEnd, dupEnd) duplicate.
  readonly #zeroEnd: number;
  readonly #osEnd: number;
  readonly #dupEnd: number;
  readonly #osImage: OsImageContent;
  readonly #duplicate: DuplicateContent;
  readonly #unique: UniqueContent;
  /**
   * The zero page's id, read from a Float64Array so that every branch of contentFor returns a double: were one
   * branch the small-integer constant 0, V8 would merge the results as tagged values and allocate a heap
   * number for every other id returned (measured: a garbage collection every few thousand batches).
   */
  readonly #zeroId = new Float64Array([ZERO_CONTENT]);

  constructor(
    vm: VmId,
    fractions: MixFractions = DEFAULT_MIX,
    options: { readonly pool?: number; readonly image?: number; readonly salt?: number } = {},
  ) {
    for (const key of ['zero', 'osImage', 'duplicate'] as const) {
      const f = fractions[key];
      if (!(f >= 0 && f <= 1)) throw new InvalidInputError(key, `expected a fraction in [0, 1], got ${f}`);
    }
    const total = fractions.zero + fractions.osImage + fractions.duplicate;
    if (total > 1 + 1e-9) {
      throw new InvalidInputError('mix', `zero + osImage + duplicate must not exceed 1, got ${total}`);
    }
    this.fractions = fractions;
    this.#classHash = new PageHash((options.salt ?? 0) ^ CLASS_SALT);
    this.#zeroEnd = fractions.zero * 2 ** 32;
    this.#osEnd = (fractions.zero + fractions.osImage) * 2 ** 32;
    this.#dupEnd = total * 2 ** 32;
    this.#osImage = new OsImageContent(options.image);
    this.#duplicate = new DuplicateContent(vm, options.pool);
    this.#unique = new UniqueContent(vm);
  }

  /** The class a page belongs to (the same in every VM). */
  classOf(vpn: number): 'zero' | 'os-image' | 'duplicate' | 'unique' {
    const u = this.#classHash.of(vpn);
    if (u < this.#zeroEnd) return 'zero';
    if (u < this.#osEnd) return 'os-image';
    if (u < this.#dupEnd) return 'duplicate';
    return 'unique';
  }

  contentFor(vpn: number): ContentId {
    const u = this.#classHash.of(vpn);
    if (u < this.#zeroEnd) return this.#zeroId[0]!;
    if (u < this.#osEnd) return this.#osImage.contentFor(vpn);
    if (u < this.#dupEnd) return this.#duplicate.contentFor(vpn);
    return this.#unique.contentFor(vpn);
  }
}
