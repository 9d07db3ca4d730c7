import type { ContentId } from './ids';

/**
 * How the 53-bit content-id space is divided, so that every model of page contents stays apart:
 * - 0 is the zero page;
 * - [1, 2^48) and [2^49, 2^52): synthetic contents of workload content models;
 * - [2^48, 2^49): blocks of disk images — every VM booted from the same image reads the same contents;
 * - [2^52, 2^53): real bytes interned by a content store.
 */
export const DISK_IMAGE_CONTENT_BASE = 2 ** 48;
export const REAL_CONTENT_BASE = 2 ** 52;

const BLOCKS_PER_IMAGE = 2 ** 32;
const IMAGE_SLOTS = 2 ** 16;

/** 32-bit FNV-1a of an image name. */
function imageHash(image: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The contents of block 0 of disk image `image` as shipped (2^16 image slots by name hash); block b's is + b. */
export const imageContentBase = (image: string): ContentId =>
  DISK_IMAGE_CONTENT_BASE + (imageHash(image) % IMAGE_SLOTS) * BLOCKS_PER_IMAGE;

/** The contents of block `block` of disk image `image` as shipped. */
export const imageBlockContent = (image: string, block: number): ContentId => imageContentBase(image) + block;

/**
 * Interns real page bytes to content ids. A host keeps one, so equal pages of any VM get one id, and engines
 * that need the bytes (real hashing, real compression) find them by id.
 */
export interface ContentInterner {
  /** The id of a 4 KiB page of bytes (the zero page is `ZERO_CONTENT`). */
  intern(page: Uint8Array): ContentId;
  /** The bytes of an interned id, or undefined for a synthetic one. */
  bytes(id: ContentId): Uint8Array | undefined;
}
