import type { ContentId, Mpn, Ppn, SwapSlot, VmId } from './ids';
import type { Pages, SimTime } from './units';

/**
 * What backs a guest-physical page. Each VM's pages partition exactly into these states (an invariant: ARCHITECTURE.md).
 */
export const PageState = {
  /** Never touched or given back: no frame; reads as zero (a touch allocates a zeroed frame). */
  Unbacked: 0,
  /** Backed by a frame only this page maps. */
  Private: 1,
  /** Mapped copy-on-write onto a shared frame. */
  Shared: 2,
  /** Contents on the host swap device. */
  Swapped: 3,
  /** Taken by the balloon driver: no frame; reads as zero after a pop. */
  Ballooned: 4,
  /** Contents in the VM's compression cache. */
  Compressed: 5,
  /** A volatile page the host discarded (CMM2): the next access raises a discard fault. */
  Discarded: 6,
} as const;
export type PageState = (typeof PageState)[keyof typeof PageState];
export const PAGE_STATE_NAMES = [
  'unbacked',
  'private',
  'shared',
  'swapped',
  'ballooned',
  'compressed',
  'discarded',
] as const satisfies readonly string[];
export type PageStateName = (typeof PAGE_STATE_NAMES)[number];

/**
 * CMM2 usage states (Schwidefsky et al., OLS 2006): what a cooperating guest says of each page through ESSA,
 * kept by the host beside the page's own state. The host may drop an unused page, discard a volatile one
 * (the guest takes a discard fault if it touches it again), and discard a potentially volatile one unless it
 * was written since; stable pages it must preserve. A guest that gives no hints has every page stable.
 */
export const GuestPageUsage = { Stable: 0, Unused: 1, Volatile: 2, PotentiallyVolatile: 3 } as const;
export type GuestPageUsage = (typeof GuestPageUsage)[keyof typeof GuestPageUsage];
export const GUEST_PAGE_USAGE_NAMES = [
  'stable',
  'unused',
  'volatile',
  'potentiallyVolatile',
] as const satisfies readonly string[];

/** What the host did with a page it evicted, by the page's usage state. */
export type Eviction = 'dropped' | 'discarded' | 'swapped';

/** What a host frame is used for. Frames are conserved: these partition the host's frames. */
export const FrameState = {
  Free: 0,
  /** Backs exactly one guest page. */
  Private: 1,
  /** Copy-on-write frame mapped by its reference count of pages (the zero page among them). */
  Shared: 2,
  /** Being written to swap: freed when the write completes. */
  InFlight: 3,
  /** Hypervisor code and data. */
  Reserved: 4,
  /** A VM's overhead (frame buffer, monitor structures). */
  Overhead: 5,
  /** Holds compressed pages of a VM's compression cache. */
  Compressed: 6,
} as const;
export type FrameState = (typeof FrameState)[keyof typeof FrameState];
export const FRAME_STATE_NAMES = [
  'free',
  'private',
  'shared',
  'inFlight',
  'reserved',
  'overhead',
  'compressed',
] as const satisfies readonly string[];
export type FrameStateName = (typeof FRAME_STATE_NAMES)[number];

/** Pages of one VM in each state; the values sum to the VM's page count. */
export type PagePartition = Record<PageStateName, Pages>;
/** Host frames in each state; the values sum to the host's frame count. */
export type FramePartition = Record<FrameStateName, Pages>;

/** Counters of what a VM's accesses and the host's operations on it did. Monotone, reset never. */
export interface VmCounters {
  /** Guest memory accesses (reads + writes). */
  accesses: number;
  writes: number;
  /** Accesses that needed the hypervisor (left the translation fast path). */
  slowAccesses: number;
  /** Observer traps delivered (sampling, cold-page tracking…). */
  traps: number;
  zeroFills: number;
  cowBreaks: number;
  swapIns: number;
  swapOuts: number;
  /** Accesses to a page whose swap write was still in flight: its frame was taken back without I/O. */
  softFaults: number;
  balloonPops: number;
  compressions: number;
  /** Pages the host compressed and did not keep, as they compressed too poorly (each paged out instead). */
  compressionRejects: number;
  decompressions: number;
  discards: number;
  discardFaults: number;
  /** Unused pages the host dropped (CMM2): no I/O, they read as zero. */
  drops: number;
  /** Usage-state changes the guest asked for (ESSA), each charged its cost. */
  hints: number;
  /** Read and write requests to the VM's virtual disk (its page cache and its own swap), charged by its guest. */
  diskReads: number;
  diskWrites: number;
  /** Simulated time charged to this VM's clock, in ns. */
  time: SimTime;
}

/** Counters of a VM that has done nothing yet. */
export const emptyVmCounters = (): VmCounters => ({
  accesses: 0,
  writes: 0,
  slowAccesses: 0,
  traps: 0,
  zeroFills: 0,
  cowBreaks: 0,
  swapIns: 0,
  swapOuts: 0,
  softFaults: 0,
  balloonPops: 0,
  compressions: 0,
  compressionRejects: 0,
  decompressions: 0,
  discards: 0,
  discardFaults: 0,
  drops: 0,
  hints: 0,
  diskReads: 0,
  diskWrites: 0,
  time: 0,
});

/** Called when a trapped page is accessed; the trap is already disarmed (traps are one-shot). */
export type TrapHandler = (vm: VmId, ppn: Ppn, write: boolean) => void;

/** A registered trap channel: an index the owner passes to arm and disarm. */
export type TrapChannel = number;

/** Which accesses fire a channel's traps. */
export type TrapMode = 'access' | 'write';

/**
 * The trap API (shadow translation with trap bits): arm a trap on a page and be called back on the next
 * access to it. This is how samplers invalidate mappings, how cold pages are tracked, and how access bits are
 * emulated. Channels are few (the machine has a handful of trap bits per page); each owner registers one.
 */
export interface TrapOptions {
  /**
   * An instrument outside the simulated system (the oracle that scores detectors): its traps cost the VM
   * no time and are not counted, so watching does not change what is watched. Default false.
   */
  readonly free?: boolean;
}

export interface TrapApi {
  /** Claims a trap bit. Throws when every bit is taken. */
  register(name: string, handler: TrapHandler, mode?: TrapMode, options?: TrapOptions): TrapChannel;
  /** Releases a channel and disarms its traps on every page. */
  unregister(channel: TrapChannel): void;
  arm(channel: TrapChannel, vm: VmId, ppn: Ppn): void;
  disarm(channel: TrapChannel, vm: VmId, ppn: Ppn): void;
  isArmed(channel: TrapChannel, vm: VmId, ppn: Ppn): boolean;
}

/** Read-only view of the machine, for observers and policies. */
export interface MachineView {
  readonly contract: 'machine@1';
  readonly totalFrames: Pages;
  readonly freeFrames: Pages;
  readonly swapSlots: number;
  readonly usedSwapSlots: number;
  /** Host simulated time: the kernel advances it; I/O completes against it. */
  readonly now: SimTime;
  /** The shared frame that holds the zero page. */
  readonly zeroFrame: Mpn;
  vms(): readonly VmId[];
  /** Whether `vm` is a powered-on VM: a check that allocates nothing, for tables that remember pages. */
  hasVm(vm: VmId): boolean;
  pageCount(vm: VmId): Pages;
  pageState(vm: VmId, ppn: Ppn): PageState;
  /** The frame behind a resident page, or undefined when it has none. */
  frameOf(vm: VmId, ppn: Ppn): Mpn | undefined;
  /**
   * The page's contents as the host holds them, without touching it (no fault, no trap, no cost): what a
   * sharing scanner hashes. Undefined for a discarded page, whose contents are gone.
   */
  peek(vm: VmId, ppn: Ppn): ContentId | undefined;
  /** The page's CMM2 usage state (stable for a guest that gives no hints). */
  pageUsage(vm: VmId, ppn: Ppn): GuestPageUsage;
  frameState(mpn: Mpn): FrameState;
  frameContent(mpn: Mpn): ContentId;
  /** The sharing domain of a shared frame (see `RemapApi.share`); 0 for any other frame. */
  frameDomain(mpn: Mpn): number;
  refCount(mpn: Mpn): number;
  pagePartition(vm: VmId): PagePartition;
  framePartition(): FramePartition;
  counters(vm: VmId): Readonly<VmCounters>;
  /** Simulated time charged to the VM. */
  vmTime(vm: VmId): SimTime;
  /** Frames the VM's compression cache occupies. */
  compressionFrames(vm: VmId): Pages;
  /** Compressed bytes the VM's compression cache holds. */
  compressedBytes(vm: VmId): number;
}

/** The bit of a batched access op that marks a write; the low 31 bits are the page number. */
export const WRITE_ACCESS = 0x8000_0000;

/** Encodes one access of a batch: the guest-physical page, with {@link WRITE_ACCESS} set for a write. */
export const accessOp = (ppn: Ppn, write = false): number => (write ? (ppn | WRITE_ACCESS) >>> 0 : ppn);

/**
 * Guest memory accesses, as a guest OS issues them. Reads return contents; the cost of each access (fast-path
 * hit or whatever trap it took) is charged to the VM's clock.
 */
export interface MemoryBus {
  read(vm: VmId, ppn: Ppn): ContentId;
  write(vm: VmId, ppn: Ppn, content: ContentId): void;
  /**
   * A batch of accesses in one tight loop, from op `from`: `ops[i]` (see {@link accessOp}) reads a page, or
   * writes `contents[i]` to it. Only flagged pages leave the fast path. Returns the index of the first op not
   * done: `count`, or that of an access that took a discard fault (a CMM2 page the host discarded). The
   * guest then restores the page (re-reads it) and calls again from that index, which restarts the access;
   * it is counted once. Only a batch's access can take a discard fault: any other access to a discarded page
   * is an error. A balloon pop needs nothing of the guest: the host backs the page again, zeroed.
   */
  accessBatch(vm: VmId, ops: Uint32Array, contents: Float64Array, count: number, from?: number): number;
  /**
   * The virtual disk's DMA out of a guest page (a page-out, a write-back). It goes through the pmap — a
   * swapped page comes back — but not through the guest's mappings: no observer trap fires or is consumed,
   * and it is not one of the VM's accesses (the disk operation is what the guest waits for).
   */
  deviceRead(vm: VmId, ppn: Ppn): ContentId;
  /** The virtual disk's DMA into a guest page (a disk or swap read); a shared page is copied first. */
  deviceWrite(vm: VmId, ppn: Ppn, content: ContentId): void;
  /** Charges work done outside memory (compute) to the VM's clock. */
  charge(vm: VmId, ns: SimTime): void;
  /**
   * ESSA (CMM2): the guest sets a page's usage state, charged to its clock. From a resident page only the
   * usage changes; a page the host holds elsewhere that turns unused or volatile loses that copy (no I/O);
   * potentially volatile needs a resident page (elsewhere the page becomes volatile, or stays stable when
   * the host holds its contents). Returns the usage state before.
   */
  setPageUsage(vm: VmId, ppn: Ppn, usage: GuestPageUsage): GuestPageUsage;
  /**
   * ESSA's set-stable-if-not-discarded, atomic: false, and the page stays discarded, when the host
   * discarded it; otherwise the page is stable from now on.
   */
  makeStableIfNotDiscarded(vm: VmId, ppn: Ppn): boolean;
  /**
   * The guest read `blocks` consecutive blocks of its virtual disk in one request (default 1) and waited for
   * it: counted as one request and charged the disk's latency plus the transfer of each block after the first.
   * In a miniature at scale R the blocks stand for R times as many, and the request for `requests` requests
   * (default 1; R for a request of one page, whose number shrinks with the pages): the machine charges
   * `requests` latencies and the transfer of the blocks they stand for.
   */
  diskRead(vm: VmId, blocks?: number, requests?: number): void;
  /** The guest wrote to its virtual disk and waited for it: as `diskRead`, at the write latency. */
  diskWrite(vm: VmId, blocks?: number, requests?: number): void;
}

/**
 * Remap operations: how sharing, ballooning, swapping, compression and CMM act on the machine. Every one keeps
 * every memory invariant; callers never touch the model's arrays.
 */
export interface RemapApi {
  /**
   * Maps page `ppn` of `vm` copy-on-write onto the frame of page `ontoPpn` of `ontoVm` (which becomes shared
   * if it was private). Both must be resident and hold equal contents: the full compare is done here, so no
   * caller can ever share differing contents. Returns the shared frame.
   *
   * `domain` (default 0) keeps frames of different sharing domains apart, for salting: the pages join the
   * domain's shared frame of that content, so equal contents may be held by one frame per domain. The zero
   * frame belongs to every domain (its contents are known to all, so sharing it reveals nothing).
   */
  share(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain?: number): Mpn;
  /**
   * A sharing-aware block device's read (Satori): fills page `ppn` of `vm` by mapping it copy-on-write onto
   * the frame of resident page `ontoPpn` of `ontoVm` (which becomes shared if it was private), in `domain` as
   * `share` does. Whatever held the page before (a frame, a swap slot, a compressed copy) is released first,
   * so no frame is allocated and nothing is copied. The page may not be ballooned or discarded. Returns the
   * shared frame.
   */
  fillShared(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain?: number): Mpn;
  /** Maps a resident page copy-on-write onto an existing shared frame (the zero page among them). */
  shareWithFrame(vm: VmId, ppn: Ppn, mpn: Mpn): void;
  /** Gives a shared page a private copy of its frame (what a write fault does). No-op for a private page. */
  breakShare(vm: VmId, ppn: Ppn): Mpn;
  /** The balloon driver took the page: its backing is freed and its contents are gone. */
  balloon(vm: VmId, ppn: Ppn): void;
  /** The balloon driver gave the page back: it is unbacked and reads as zero. */
  unballoon(vm: VmId, ppn: Ppn): void;
  /** Starts writing a resident page to host swap; a private frame is freed when the write completes. */
  swapOut(vm: VmId, ppn: Ppn): SwapSlot;
  /** Reads a swapped page back (what an access to it does), charging the VM. */
  swapIn(vm: VmId, ppn: Ppn): Mpn;
  /**
   * Moves a resident page into the VM's compression cache, taking `compressedBytes` of it; the compression
   * is charged to the VM.
   */
  compress(vm: VmId, ppn: Ppn, compressedBytes: number): void;
  /**
   * The host compressed a resident page and keeps nothing of it (it compressed too poorly): the compression
   * is charged to the VM and counted; the page stays resident, for the caller to page out.
   */
  rejectCompression(vm: VmId, ppn: Ppn): void;
  /**
   * Writes a compressed page back to host swap without decompressing it into a frame (the cache's
   * write-back): its cache entry is freed and a swap write started, counted as a swap-out.
   */
  swapOutCompressed(vm: VmId, ppn: Ppn): SwapSlot;
  /** Brings a compressed page back into a frame, charging the VM. */
  decompress(vm: VmId, ppn: Ppn): Mpn;
  /** Discards a page the guest marked volatile (CMM2): no I/O; its next access raises a discard fault. */
  discard(vm: VmId, ppn: Ppn): void;
  /** Drops a page the guest marked unused: its backing is freed and it reads as zero. */
  drop(vm: VmId, ppn: Ppn): void;
  /**
   * Takes a resident page's frame the way its CMM2 usage allows (the host's page-out): an unused page is
   * dropped and a volatile one — or a potentially volatile one not written since it was marked — discarded,
   * without I/O; anything else is written to host swap (a potentially volatile page then stays stable).
   */
  evict(vm: VmId, ppn: Ppn): Eviction;
}
