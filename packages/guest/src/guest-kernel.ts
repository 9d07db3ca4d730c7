import {
  type CmmGuest,
  type ContentId,
  type GuestContext,
  type GuestCounters,
  type GuestOs,
  type GuestPageUsage,
  HvsimError,
  type MachineView,
  type MemoryBus,
  type OpBatch,
  OpKind,
  type Ppn,
  type SimTime,
  scaleOf,
  type VmId,
} from '@hvsim/spec';
import { AccessQueue } from './access-queue';
import { AnonMemory } from './anon-swap';
import { BalloonDriver } from './balloon-driver';
import { type BootZeroing, boot } from './boot';
import { CmmModule } from './cmm';
import { DiskRequests } from './disk-requests';
import type { FreeStack } from './free-stack';
import type { GuestSettings } from './guest-settings';
import { checkGuestInvariants } from './invariants';
import type { KernelServices } from './kernel-services';
import { KernelWalk } from './kernel-walk';
import { LruLists } from './lru';
import { PageAllocator } from './page-alloc';
import { PageCache } from './page-cache';
import { PageHints } from './page-hints';
import type { PageFrames, PageUse } from './page-use';
import { Reclaim } from './reclaim';
import { DIRTIED, Writeback } from './writeback';

/**
 * A guest operating system's memory manager over the VM's guest-physical pages: free lists, anonymous memory
 * behind guest page tables, a page cache of virtual-disk blocks, a two-list LRU for its own reclaim, guest
 * swap, a balloon driver and, when loaded, the cmm module. Every access reaches the machine through the
 * memory bus; runs of accesses that need no guest fault go as one batch.
 *
 * With page hints (CMM2, Linux's guest page hinting) it tells the host, one ESSA per change, that free pages
 * are unused and that clean, up-to-date page-cache pages are volatile, and makes a page stable when it
 * allocates it or is about to dirty it. A cached page the host discarded is re-read from the disk when next
 * read (the discard fault), or replaced by a new page when written. Anonymous, kernel and dirty pages stay
 * stable, so the host never discards data the disk does not hold.
 */
export class GuestKernel implements GuestOs, CmmGuest, KernelServices {
  readonly contract = 'guest-os@1';
  readonly vm: VmId;
  readonly settings: GuestSettings;
  readonly balloon: BalloonDriver;
  readonly cmm: CmmModule | undefined;
  /** Per guest-physical page: its use and owner (virtual page or disk block). */
  readonly use: Uint8Array;
  readonly owner: Uint32Array;
  readonly lru: LruLists;
  /** Free pages known to hold zeros, and free pages that may not. */
  readonly zeroed: FreeStack;
  readonly dirtyFree: FreeStack;
  /** A dirty bit per page (page-cache pages), with its age for the flusher. */
  readonly dirty: Uint8Array;
  readonly swapContent: Float64Array;
  readonly swapFree: FreeStack;
  readonly #counters: GuestCounters = {
    ops: 0,
    guestSwapIns: 0,
    guestSwapOuts: 0,
    doublePagings: 0,
    diskReads: 0,
    diskWrites: 0,
    sharedReads: 0,
  };
  readonly #bus: MemoryBus;
  readonly #machine: MachineView;
  readonly #bootedAt: SimTime;
  /** Boot's zeroing still to do, when the guest spreads it over the end of boot. */
  #zeroing: BootZeroing | undefined;
  /** The kernel reading its own pages after boot, if it does (`kernelWalk`). */
  readonly #kernelWalk: KernelWalk | undefined;
  // The parts of the kernel, each a concern of Linux's mm/ (see each file).
  readonly #accesses: AccessQueue;
  readonly #pages: PageAllocator;
  readonly #anon: AnonMemory;
  readonly #cache: PageCache;
  readonly #writeback: Writeback;
  /** The anonymous memory's page table, read by the op loop for its common op. */
  readonly #pageTable: Int32Array;
  /** Compute ops of the batch under way, which `ops` does not count. */
  #computeOps = 0;

  constructor(context: GuestContext, settings: GuestSettings, batchCapacity = 4096) {
    const pages = context.pages;
    if (settings.kernelPages >= pages) {
      throw new HvsimError(
        'invalid-options',
        `expected fewer kernel pages than the VM's ${pages} pages, got ${settings.kernelPages}`,
        'guest.kernelPages',
      );
    }
    const vm = context.vm;
    const bus = context.bus;
    const machine = context.machine;
    this.vm = vm;
    this.settings = settings;
    this.#bus = bus;
    this.#machine = machine;
    this.use = new Uint8Array(pages);
    this.owner = new Uint32Array(pages);
    this.lru = new LruLists(pages);
    this.dirty = new Uint8Array(pages);
    const frames: PageFrames = { use: this.use, owner: this.owner, dirty: this.dirty, lru: this.lru };
    const hints = new PageHints(bus, vm, settings.pageHints, frames);
    const accesses = new AccessQueue(bus, vm, this.lru.referenced, batchCapacity);
    const requests = new DiskRequests(
      settings,
      this.#counters,
      bus,
      vm,
      scaleOf(context),
      context.diskLocality,
    );
    const allocator = new PageAllocator({ settings, frames, hints, accesses, bus, vm });
    const mm = {
      settings,
      frames,
      hints,
      accesses,
      requests,
      allocator,
      counters: this.#counters,
      disk: context.disk,
      copier: context.copier,
      bus,
      machine,
      vm,
    };
    const anon = new AnonMemory(mm);
    const cache = new PageCache({ ...mm, anon });
    const writeback = new Writeback({ ...mm, cache });
    this.#accesses = accesses;
    this.#pages = allocator;
    this.#anon = anon;
    this.#cache = cache;
    this.#writeback = writeback;
    this.#pageTable = anon.pageTable;
    this.zeroed = allocator.zeroed;
    this.dirtyFree = allocator.dirtyFree;
    this.swapContent = anon.swapContent;
    this.swapFree = anon.swapFree;
    this.balloon = new BalloonDriver(this, context.backdoor, settings.balloon, pages);
    const booting = boot(mm, pages);
    this.#bootedAt = booting.bootedAt;
    this.#zeroing = booting.zeroing;
    this.#kernelWalk =
      settings.kernelWalk > 0
        ? new KernelWalk(settings.kernelPages, settings.kernelWalk, this.#bootedAt)
        : undefined;
    this.cmm = settings.cmm.installed
      ? new CmmModule(this, context.backdoor, settings.cmm, pages)
      : undefined;
    // The cycles of a kernel, closed once every part exists: an allocation reclaims pages, whose eviction
    // frees them; a flush restores discarded pages, whose reads allocate.
    allocator.reclaim = new Reclaim({ ...mm, anon, cache, writeback, oom: this.cmm });
    accesses.restorer = cache.readahead;
  }

  get booted(): boolean {
    return this.#machine.vmTime(this.vm) >= this.#bootedAt;
  }

  /** Free pages of either kind. */
  get freePages(): number {
    return this.#pages.freePages;
  }

  counters(): Readonly<GuestCounters> {
    return this.#counters;
  }

  checkInvariants(): void {
    checkGuestInvariants(this);
  }

  /** The page behind virtual page `vpn`, or -1 when it is not resident. */
  pageOf(vpn: number): Ppn | -1 {
    const entry = this.#pageTable[vpn]!;
    return entry > 0 ? entry - 1 : -1;
  }

  /** The guest swap slot holding virtual page `vpn`, or -1 when it is not swapped. */
  swapSlotOf(vpn: number): number | -1 {
    const entry = this.#pageTable[vpn]!;
    return entry < 0 ? -entry - 1 : -1;
  }

  /** The page caching disk block `block`, or -1. */
  cachedPage(block: number): Ppn | -1 {
    return this.#cache.cachedPage(block);
  }

  /** The usage state the host holds for a page (CMM2; stable throughout without hints). */
  pageUsage(ppn: Ppn): GuestPageUsage {
    return this.#machine.pageUsage(this.vm, ppn);
  }

  /** What disk block `block` holds on the disk itself (not its cached copy). */
  onDisk(block: number): ContentId {
    return this.#cache.onDisk(block);
  }

  /** What virtual page `vpn` holds, without touching it (no fault, no cost): for checks and reports. */
  peekVirtual(vpn: number): ContentId {
    const ppn = this.pageOf(vpn);
    if (ppn >= 0) return this.#machine.peek(this.vm, ppn)!;
    const slot = this.swapSlotOf(vpn);
    return slot >= 0 ? this.swapContent[slot]! : 0;
  }

  /** What disk block `block` holds as the guest sees it (its cached copy first), without touching it. */
  peekBlock(block: number): ContentId {
    const ppn = this.cachedPage(block);
    // A cached page the host discarded was clean: the disk holds it, and a read re-reads it from there.
    return (ppn >= 0 ? this.#machine.peek(this.vm, ppn) : undefined) ?? this.onDisk(block);
  }

  execute(batch: OpBatch, from = 0, until: SimTime = Number.POSITIVE_INFINITY): number {
    const { kind, target, content } = batch;
    const pageTable = this.#pageTable;
    const referenced = this.lru.referenced;
    const ops = this.#accesses.ops;
    const contents = this.#accesses.contents;
    const capacity = ops.length;
    // The common op, an access to a resident anonymous page, is queued here with the queue's length in a
    // local; every other op goes through methods that may flush, so the length is stored before and reloaded
    // after them.
    if (this.#zeroing?.zeroDue(this.vmTime())) this.#zeroing = undefined;
    this.balloon.poll();
    this.cmm?.poll();
    this.#kernelWalk?.readDue(this.vmTime(), this.#accesses);
    if (this.vmTime() >= this.#writeback.nextFlush) this.#writeback.flushDirty();
    let pending = this.#accesses.pending;
    for (let i = from; i < batch.length; i++) {
      const k = kind[i]!;
      if (k <= OpKind.Write && pending < capacity) {
        // Undefined for a target out of range, which the slow path reports.
        const entry = pageTable[target[i]!] ?? 0;
        if (entry > 0) {
          const ppn = entry - 1;
          referenced[ppn] = 1;
          // Without a branch on the kind, which would be mispredicted often: Read is 0 and Write is 1, so
          // the kind shifted to the top bit is the write bit of accessOp; a read's content is never looked at.
          ops[pending] = (ppn | (k << 31)) >>> 0;
          contents[pending++] = content[i]!;
          continue;
        }
      }
      this.#accesses.pending = pending;
      this.#slowOp(batch, i);
      pending = this.#accesses.pending;
      // Time only jumps at a fault, a disk access or a compute op: only then can the deadline have passed.
      if (this.#accesses.slow) {
        this.#accesses.slow = false;
        this.#accesses.flush();
        pending = 0;
        if (this.#machine.vmTime(this.vm) >= until) return this.#done(from, i + 1);
      }
    }
    this.#accesses.pending = pending;
    this.#accesses.flush();
    return this.#done(from, batch.length);
  }

  /** Counts the memory ops among ops from, …, to − 1 of the batch, and returns `to`. */
  #done(from: number, to: number): number {
    this.#counters.ops += to - from - this.#computeOps;
    this.#computeOps = 0;
    return to;
  }

  /** Op `i` of a batch that is not an access to a resident anonymous page with room in the queue. */
  #slowOp(batch: OpBatch, i: number): void {
    const t = batch.target[i]!;
    const accesses = this.#accesses;
    switch (batch.kind[i]) {
      case OpKind.Read:
        accesses.queue(this.#anon.page(t), false, 0);
        break;
      case OpKind.Write:
        accesses.queue(this.#anon.page(t), true, batch.content[i]!);
        break;
      case OpKind.FileRead:
        accesses.queue(this.#cache.page(t, true), false, 0);
        break;
      case OpKind.FileWrite: {
        const ppn = this.#cache.writablePage(t);
        if (!this.dirty[ppn]) this.dirty[ppn] = DIRTIED; // the flusher ages a page from its first write
        accesses.queue(ppn, true, batch.content[i]!);
        break;
      }
      case OpKind.FileCopy:
        this.#cache.copy(t, batch.content[i]!);
        break;
      case OpKind.Free:
        this.#anon.free(t);
        break;
      case OpKind.Compute:
        this.#computeOps++;
        accesses.slow = true;
        this.#bus.charge(this.vm, t);
        this.#pages.zeroIdle(t);
        break;
      default:
        throw new HvsimError(
          'invalid-op',
          `expected an op kind of OpKind, got ${batch.kind[i]}`,
          `batch.kind[${i}]`,
        );
    }
  }

  // ---- KernelServices: the allocator and clock the balloon driver and the cmm module use ----------------

  /** Takes a free page for `use`, reclaiming one first when none is free (see PageAllocator.allocate). */
  allocate(use: PageUse, filled = false): Ppn {
    return this.#pages.allocate(use, filled);
  }

  /** Returns a page to the free lists (dirty: it may hold old contents). */
  release(ppn: Ppn, zeroed: boolean): void {
    this.#pages.release(ppn, zeroed);
  }

  /** VM time, by which the balloon driver and the cmm module pace themselves. */
  vmTime(): SimTime {
    return this.#machine.vmTime(this.vm);
  }

  /** Charges the VM for work of the guest kernel's own (a hypercall). */
  charge(ns: SimTime): void {
    this.#bus.charge(this.vm, ns);
  }
}
