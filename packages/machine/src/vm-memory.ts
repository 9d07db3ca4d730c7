import {
  emptyVmCounters,
  GuestPageUsage,
  type Mpn,
  NONE,
  PageState,
  type Ppn,
  type VmCounters,
  type VmId,
} from '@hvsim/spec';

/** Shadow-translation flag bits, one byte per page. A page with no bit set is a fast-path hit for any access. */
export const Flag = {
  /** Not backed by a frame: every access goes to the hypervisor. */
  NotPresent: 1,
  /** Write-protected (mapped copy-on-write): writes go to the hypervisor. */
  WriteProtect: 2,
} as const;

/** Observer trap channels use the remaining six bits. */
export const CHANNEL_SHIFT = 2;
export const MAX_CHANNELS = 6;
export const CHANNEL_BITS = ((1 << MAX_CHANNELS) - 1) << CHANNEL_SHIFT;

/** Translation flags each page state implies. */
const STATE_FLAGS = Uint8Array.of(
  Flag.NotPresent, // unbacked
  0, // private
  Flag.WriteProtect, // shared
  Flag.NotPresent, // swapped
  Flag.NotPresent, // ballooned
  Flag.NotPresent, // compressed
  Flag.NotPresent, // discarded
);

export const stateFlags = (state: PageState): number => STATE_FLAGS[state]!;

/**
 * A usage byte's bit beside the CMM2 usage state (low two bits): a potentially volatile page was written
 * since it was marked, so it must be preserved. Until then the page is write-protected, which is how the
 * host learns of the first write (s390 reads it from the storage key's change bit).
 */
export const WRITTEN = 4;
/** The usage state's bits of a usage byte. */
export const USAGE_BITS = 3;

/**
 * One VM's pmap in struct-of-arrays form: per guest-physical page a flag byte (the shadow translation), a
 * state byte and a location (frame, swap slot or compression entry). 6 bytes per page.
 */
export class VmMemory {
  readonly flags: Uint8Array;
  readonly state: Uint8Array;
  readonly loc: Uint32Array;
  /** Pages per PageState. */
  readonly partition = new Float64Array(7);
  readonly counters: VmCounters = emptyVmCounters();
  readonly overheadFrames: Mpn[] = [];
  /** Frames the VM's compression cache holds, and the compressed bytes in it. */
  readonly compressionFrames: Mpn[] = [];
  compressedBytes = 0;
  /**
   * The page of a batch's access that took a discard fault, which the batch restarts at (-1: none), and the
   * accesses and writes the batch made up to it, the faulted one included: charged when the restart ends.
   */
  stoppedAt = -1;
  stoppedAccesses = 0;
  stoppedWrites = 0;
  /** CMM2 usage per page (GuestPageUsage, plus WRITTEN), made on the VM's first hint: all stable before. */
  usage: Uint8Array | undefined;

  constructor(
    readonly id: VmId,
    readonly name: string,
    readonly pages: number,
  ) {
    this.flags = new Uint8Array(pages).fill(Flag.NotPresent);
    this.state = new Uint8Array(pages);
    this.loc = new Uint32Array(pages).fill(NONE);
    this.partition[PageState.Unbacked] = pages;
  }

  /** Moves a page to a new state and location, keeping its trap bits and the partition counts. */
  setState(ppn: Ppn, state: PageState, loc: number): void {
    this.partition[this.state[ppn]!]!--;
    this.partition[state]!++;
    this.state[ppn] = state;
    this.loc[ppn] = loc;
    this.flags[ppn] = (this.flags[ppn]! & CHANNEL_BITS) | STATE_FLAGS[state]! | this.#hintFlags(ppn, state);
  }

  /**
   * Sets a page's usage byte, and the write protection a clean potentially volatile private page needs;
   * returns the usage bytes (made on the VM's first hint).
   */
  setUsage(ppn: Ppn, usage: number): Uint8Array {
    this.usage ??= new Uint8Array(this.pages);
    const bytes = this.usage;
    const old = bytes[ppn]!;
    bytes[ppn] = usage;
    // Only a change to or from clean potentially volatile moves the flag.
    if (old === GuestPageUsage.PotentiallyVolatile || usage === GuestPageUsage.PotentiallyVolatile) {
      const state = this.state[ppn] as PageState;
      this.flags[ppn] = (this.flags[ppn]! & CHANNEL_BITS) | STATE_FLAGS[state]! | this.#hintFlags(ppn, state);
    }
    return bytes;
  }

  #hintFlags(ppn: Ppn, state: PageState): number {
    return state === PageState.Private && this.usage?.[ppn] === GuestPageUsage.PotentiallyVolatile
      ? Flag.WriteProtect
      : 0;
  }
}
