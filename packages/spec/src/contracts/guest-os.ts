import { definer } from '../define';
import type { Ppn, VmId } from '../ids';
import type { MachineView, MemoryBus, RemapApi } from '../machine';
import type { Pages, SimTime } from '../units';
import type { CreateContext } from './context';
import type { VirtualDisk } from './virtual-disk';
import type { DiskLocality, OpBatch } from './workload';

/** The guest's balloon driver: pins guest pages through the guest's own allocator and hands them to the host. */
export interface BalloonDriver {
  /** False while the guest boots, or when the driver is uninstalled or disabled. */
  readonly available: boolean;
  /** Pages the balloon holds now. */
  readonly size: Pages;
  /** Most pages the balloon may hold. */
  readonly limit: Pages;
  /** The size the host last asked for; the driver moves toward it. */
  readonly target: Pages;
  /**
   * Asks for a balloon of `pages` (kept within [0, limit]). The driver moves toward it as the guest runs, at
   * its rate per second of VM time (ESX's vmmemctl polls for its target once a second), as far as the guest
   * can give.
   */
  setTarget(pages: Pages): void;
}

/**
 * The s390 `cmm` module (CMM1, arch/s390/mm/cmm.c): two pools of guest pages the guest hands to the
 * hypervisor with DIAG 10, sized by messages from a resource manager (z/VM's VMRM) — the static pool by
 * `SHRINK`, the timed pool by `RELEASE` and `REUSE`. Requests are long-lived targets: a worker thread moves
 * each pool toward its target as the guest runs, at its rate per second of VM time, as far as the guest can
 * give.
 */
export interface CmmDriver {
  /** False while the guest boots, or when the module is not loaded. */
  readonly available: boolean;
  /** Pages in the static pool (`cmm_pages`), and its target (`cmm_pages_target`). */
  readonly pages: Pages;
  readonly target: Pages;
  /** Pages in the timed pool (`cmm_timed_pages`), and its target. */
  readonly timedPages: Pages;
  readonly timedTarget: Pages;
  /** Most pages the two pools hold together; the guest always keeps the rest. */
  readonly limit: Pages;
  /** The timed pool's drain (`cmm_timeout`): its target drops by `pages` every `every` of VM time. */
  readonly timeout: { readonly pages: Pages; readonly every: SimTime };
  /** `SHRINK n`: the static pool's target becomes `pages` (kept within [0, limit]). */
  shrink(pages: Pages): void;
  /** `RELEASE n`: the timed pool's target grows by `pages` (up to the limit). */
  release(pages: Pages): void;
  /** `REUSE pages seconds`: from now on, every `every` the timed target drops by `pages`, down to 0. */
  reuse(pages: Pages, every: SimTime): void;
}

/** A reference to a block of a base disk image, what a sharing-aware block device keys pages by. */
export interface DiskBlock {
  readonly image: string;
  readonly block: number;
}

/** A hypervisor service the guest's copy routine hands whole-page copies to (Disco hooked IRIX's bcopy). */
export interface PageCopier {
  /**
   * Page `src` is about to be copied onto page `dst`: true when the copy was made by mapping `dst`
   * copy-on-write onto the frame of `src` instead, so nothing is copied.
   */
  copyPage(dst: Ppn, src: Ppn): boolean;
}

/**
 * In a miniature at scale R the counters are the miniature's own (the host scales them back by R), except
 * `diskReads` and `diskWrites`, which count the full-size requests the miniature's requests stand for.
 */
export interface GuestCounters {
  /**
   * Memory operations of the workload completed: every op but Compute, which is time the workload spends
   * elsewhere, not work; throughput is these per simulated second.
   */
  ops: number;
  /** Reads and writes of the guest's own swap. */
  guestSwapIns: number;
  guestSwapOuts: number;
  /** The guest wrote to its swap a page the host had already swapped out (double paging). */
  doublePagings: number;
  /**
   * Requests to the virtual disk. Full-size figures in a miniature, not to be scaled back: a request of b
   * blocks stands for max(1, b·R / the full-size readahead window) requests (R for a one-page swap request),
   * so they may be fractional.
   */
  diskReads: number;
  diskWrites: number;
  /** Blocks a sharing-aware block device filled by mapping a shared frame, without a disk read. */
  sharedReads: number;
}

/** A guest operating system's memory manager inside one VM. */
export interface GuestOs {
  readonly contract: 'guest-os@1';
  readonly vm: VmId;
  readonly booted: boolean;
  /**
   * Runs the batch's ops from index `from` against guest-physical memory through the memory bus, stopping
   * early once the VM's clock reaches `until` (a fault or disk read can take milliseconds); returns the index
   * of the next op to run — `batch.length` when the batch is done.
   */
  execute(batch: OpBatch, from?: number, until?: SimTime): number;
  readonly balloon: BalloonDriver | undefined;
  counters(): Readonly<GuestCounters>;
  /** Recomputes the guest's own bookkeeping and throws InvariantViolation on a mismatch (debug runs). */
  checkInvariants?(): void;
}

/** A guest that can load the s390 `cmm` module (CMM1's mechanism drives it): `cmm` is set when it is loaded. */
export interface CmmGuest {
  readonly cmm: CmmDriver | undefined;
}

/** The guest's `cmm` module, when it is a guest that has one loaded. */
export const cmmOf = (guest: GuestOs | undefined): CmmDriver | undefined =>
  (guest as Partial<CmmGuest> | undefined)?.cmm;

/**
 * The backdoor a balloon driver tells the hypervisor through which pages it took and gave back (the cmm
 * module's DIAG 10 goes the same way: the host forgets the page, which reads as zero when next used).
 */
export type BalloonBackdoor = Pick<RemapApi, 'balloon' | 'unballoon'>;

export interface GuestContext extends CreateContext {
  readonly vm: VmId;
  readonly pages: Pages;
  readonly bus: MemoryBus;
  readonly machine: MachineView;
  readonly backdoor: BalloonBackdoor;
  /** The VM's virtual disk, as the host composed it: page-cache reads and guest swap go there. */
  readonly disk: VirtualDisk;
  /** The copy service, when the host's sharing engine offers one (Disco). */
  readonly copier?: PageCopier;
  /**
   * In a miniature, how its workload's disk blocks stand for the full-size VM's (`Workload.diskBlocks`):
   * asked at each disk request, as the workload is created after the guest. Absent: `together`.
   */
  readonly diskLocality?: () => DiskLocality;
}

export const defineGuestOs = definer<'guest-os@1', GuestContext, GuestOs>('guest-os@1');
