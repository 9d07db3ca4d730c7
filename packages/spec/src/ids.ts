/**
 * Address spaces follow ESX: a guest virtual page (VPN) maps through the guest to a guest-physical page (PPN),
 * which maps through the pmap to a machine page (MPN, a host frame). Page numbers are plain numbers because
 * they index typed arrays on hot paths; a VM id is branded so it cannot be confused with a page number.
 */
export type VmId = number & { readonly __brand: 'VmId' };

/** Guest virtual page number. */
export type Vpn = number;
/** Guest-physical page number, in [0, vm pages). */
export type Ppn = number;
/** Machine page number: a host frame, in [0, total frames). */
export type Mpn = number;
/** A slot on the host swap device. */
export type SwapSlot = number;

/**
 * The identity of a page's contents: two pages hold the same bytes exactly when their content ids are equal.
 * Ids are non-negative safe integers (53 bits, so they stay exact in float64 arrays without BigInt); a content
 * store interns real bytes to ids, so equality is exact rather than a hash match.
 */
export type ContentId = number;

/** The content of a page of zeros. Unbacked and ballooned pages read as this. */
export const ZERO_CONTENT: ContentId = 0;

/** Largest content id (2^53 − 1). */
export const MAX_CONTENT_ID: ContentId = Number.MAX_SAFE_INTEGER;

/** Sentinel for "no frame" / "no slot" in typed arrays of frame or slot numbers. */
export const NONE = 0xffffffff;

export const isContentId = (value: number): value is ContentId => Number.isSafeInteger(value) && value >= 0;
