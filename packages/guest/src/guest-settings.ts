import type { ContentId, SimTime } from '@hvsim/spec';
import type { BalloonSettings } from './balloon-driver';
import type { CmmSettings } from './cmm';

/** Habits that differ between guest kinds. */
export interface GuestHabits {
  /** Zero every physical page at boot (Windows does; Linux does not). */
  readonly zeroAtBoot: boolean;
  /**
   * With `zeroAtBoot`: the VM time before the end of boot from which the zeroing is spread, at a steady pace,
   * until boot ends. 0: all at once at power-on.
   */
  readonly bootZeroing: SimTime;
  /**
   * Pages a zero-page thread clears per millisecond of idle (Compute) time, so freed pages return zeroed
   * (Windows). 0: no such thread; a new anonymous page is cleared when it is allocated (Linux's clear_page).
   */
  readonly zeroPagesPerIdleMs: number;
}

export interface GuestSettings {
  readonly kind: string;
  readonly habits: GuestHabits;
  /** Pages the guest kernel pins for itself, loaded from the first blocks of its disk image. */
  readonly kernelPages: number;
  /** Virtual pages processes may use (anonymous memory can exceed RAM: the rest goes to guest swap). */
  readonly addressSpacePages: number;
  /** Slots of the guest's own swap area on its virtual disk. */
  readonly swapPages: number;
  /** Blocks of the virtual disk. */
  readonly diskBlocks: number;
  /** Blocks one page-cache miss reads in a single request: the missed one and those after it not cached. */
  readonly readaheadBlocks: number;
  /**
   * The readahead window of the full-size VM a miniature stands for (`readaheadBlocks` at scale 1): the
   * window of blocks read apart, and for blocks read together what sets the full-size requests a request
   * stands for (b·R / this many, at least one).
   */
  readonly fullReadaheadBlocks: number;
  /** Name of the base disk image, for sharing-aware block devices. */
  readonly image: string;
  /** Contents of each disk block as the image ships it. */
  readonly diskContent: (block: number) => ContentId;
  /** VM time the guest takes to boot; the balloon driver is unavailable until then. */
  readonly bootTime: SimTime;
  /** VM time in which the kernel reads each of its pages once after boot; 0: never. */
  readonly kernelWalk: SimTime;
  /** CMM2: tell the host which pages are unused (free) and volatile (clean page cache). */
  readonly pageHints: boolean;
  /** Dirty cache pages are written back within this long of being dirtied (0: only when evicted). */
  readonly writeback: SimTime;
  readonly balloon: BalloonSettings;
  readonly cmm: CmmSettings;
}
