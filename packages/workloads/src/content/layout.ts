import { type ContentId, InvalidInputError, REAL_CONTENT_BASE, type VmId } from '@hvsim/spec';

/**
 * Content id layout of the synthetic content models. Ids are safe integers below 2^52: ids from 2^52 on
 * belong to the real-bytes content store, so the two never meet. Each class owns a disjoint range, and the
 * per-VM classes are split by VM id, so no two VMs ever write the same unique or duplicate content:
 *
 * | ids            | class      | id                               | limits                               |
 * | -------------- | ---------- | -------------------------------- | ------------------------------------ |
 * | 0              | zero page  | 0                                |                                      |
 * | [1, 2^49)      | reserved   | (left for other synthetic ids)   |                                      |
 * | [2^49, 2^50)   | os-image   | 2^49 + image · 2^40 + page       | image < 512, page taken mod 2^40     |
 * | [2^50, 2^51)   | duplicate  | 2^50 + vm · 2^38 + slot          | vm < 4096, slot < pool ≤ 2^20        |
 * | [2^51, 2^52)   | unique     | 2^51 + vm · 2^39 + n             | vm < 4096, n < 2^39 writes per VM    |
 *
 * os-image ids depend only on the image and the page index, never on the VM, so identical VMs write identical
 * contents there and a sharing engine can collapse them.
 */
export const OS_IMAGE_BASE = 2 ** 49;
export const DUPLICATE_BASE = 2 ** 50;
export const UNIQUE_BASE = 2 ** 51;

/** VM ids the layout separates: [0, MAX_CONTENT_VMS). */
export const MAX_CONTENT_VMS = 4096;
/** OS images the layout separates: [0, MAX_OS_IMAGES). */
export const MAX_OS_IMAGES = 512;
/** Largest per-VM duplicate pool. */
export const MAX_DUPLICATE_POOL = 2 ** 20;

/** Pages of one OS image; a larger page index wraps (only identical contents can come of it). */
export const OS_IMAGE_PAGES = 2 ** 40;
export const DUPLICATE_SLOTS_PER_VM = 2 ** 38;
export const UNIQUE_IDS_PER_VM = 2 ** 39;

export const osImageContent = (image: number, page: number): ContentId =>
  // The modulo of doubles is a slow library call in V8: skip it when the page is already in range.
  OS_IMAGE_BASE + image * OS_IMAGE_PAGES + (page < OS_IMAGE_PAGES ? page : page % OS_IMAGE_PAGES);

export const duplicateContent = (vm: VmId, slot: number): ContentId =>
  DUPLICATE_BASE + vm * DUPLICATE_SLOTS_PER_VM + slot;

/** First unique id of a VM; its n-th write gets `uniqueBase(vm) + n`. */
export const uniqueBase = (vm: VmId): ContentId => UNIQUE_BASE + vm * UNIQUE_IDS_PER_VM;

export type ContentClass = 'zero' | 'os-image' | 'duplicate' | 'unique' | 'other';

export interface ContentOrigin {
  readonly class: ContentClass;
  /** The VM that owns the content (duplicate and unique classes). */
  readonly vm?: VmId;
  /** The OS image (os-image class). */
  readonly image?: number;
}

/**
 * Which class (and VM or image) a content id belongs to: for reports that split shared memory into zero,
 * OS-image and duplicate pages, and for tests of the layout. Ids outside the synthetic ranges are `other`.
 */
export function contentOrigin(id: ContentId): ContentOrigin {
  if (id === 0) return { class: 'zero' };
  if (!Number.isSafeInteger(id) || id < OS_IMAGE_BASE || id >= REAL_CONTENT_BASE) return { class: 'other' };
  if (id < DUPLICATE_BASE)
    return { class: 'os-image', image: Math.floor((id - OS_IMAGE_BASE) / OS_IMAGE_PAGES) };
  if (id < UNIQUE_BASE) {
    return { class: 'duplicate', vm: Math.floor((id - DUPLICATE_BASE) / DUPLICATE_SLOTS_PER_VM) as VmId };
  }
  return { class: 'unique', vm: Math.floor((id - UNIQUE_BASE) / UNIQUE_IDS_PER_VM) as VmId };
}

/** Checks that a VM id fits the layout, so its private ranges cannot overlap another VM's. */
export function checkContentVm(vm: VmId): void {
  if (!Number.isInteger(vm) || vm < 0 || vm >= MAX_CONTENT_VMS) {
    throw new InvalidInputError(
      'vm',
      `content models keep VMs apart for ids in [0, ${MAX_CONTENT_VMS}), got ${vm}`,
    );
  }
}
