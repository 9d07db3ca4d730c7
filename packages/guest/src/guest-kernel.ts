import {
  accessOp,
  addBlock,
  type BlockRead,
  type CmmGuest,
  type ContentId,
  createBlockRead,
  type DiskLocality,
  type GuestContext,
  type GuestCounters,
  type GuestOs,
  GuestPageUsage,
  HvsimError,
  type MachineView,
  type MemoryBus,
  type OpBatch,
  OpKind,
  type PageCopier,
  PageState,
  type Ppn,
  type SimTime,
  scaleOf,
  type VirtualDisk,
  type VmId,
  WRITE_ACCESS,
} from '@hvsim/spec';
import { BalloonDriver } from './balloon-driver';
import { CmmModule } from './cmm';
import { FreeStack } from './free-stack';
import type { GuestSettings } from './guest-settings';
import { checkGuestInvariants } from './invariants';
import type { KernelServices } from './kernel-services';
import { LruList, LruLists } from './lru';
import { GuestOutOfMemoryError, PageUse } from './page-use';

// Page-table entries: 0 for a virtual page never touched (or freed), which reads as zero; ppn + 1 for a
// resident page; -(slot + 1) for a page in guest swap. Zero meaning "nothing" keeps the arrays untouched —
// and so out of the process's resident memory — until used.
const UNMAPPED = 0;

/** A dirty page's age for the flusher: dirtied since its last pass, or already dirty then. */
const DIRTIED = 1;
const AGED = 2;

/**
 * A workload's op aimed outside the guest's virtual pages or disk: a typed array has no element at a negative,
 * fractional or too large index, so a lookup that finds none lands here.
 */
function badTarget(what: string, length: number, target: number): never {
  throw new HvsimError('invalid-op', `${what} ${target}, outside [0, ${length})`, 'workload target');
}

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
  readonly #pageTable: Int32Array;
  /** Page cache: block → page + 1 (0: not cached); a dirty bit per page. */
  readonly #cache: Int32Array;
  readonly dirty: Uint8Array;
  /** Blocks written back, as content + 1 (0: the block still holds its image's contents). */
  #written: Float64Array | undefined;
  /** The image name of the blocks this VM wrote back: its copy-on-write overlay of the base image. */
  readonly #overlay: string;
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
  /** The miniature's scale: each disk block moved stands for this many. */
  readonly #scale: number;
  /** Whether the workload's disk blocks each stand for R read apart (a miniature's; see DiskLocality). */
  readonly #locality: (() => DiskLocality) | undefined;
  readonly #disk: VirtualDisk;
  readonly #copier: PageCopier | undefined;
  readonly #bootedAt: SimTime;
  // Accesses resolved to pages but not yet sent: flushed before anything that may read or move a page.
  readonly #ops: Uint32Array;
  readonly #contents: Float64Array;
  #pending = 0;
  /** Compute ops of the batch under way, which `ops` does not count. */
  #computeOps = 0;
  /** Set when an op did work that takes simulated time beyond an access (fault, disk I/O, compute). */
  #slow = false;
  /** The block device's read request, reused for every read. */
  readonly #read: BlockRead;
  /** `settings.pageHints`, read on every allocation and free. */
  readonly #hints: boolean;
  /** VM time of the flusher's next pass (never without write-back). */
  #nextFlush: SimTime;

  constructor(context: GuestContext, settings: GuestSettings, batchCapacity = 4096) {
    const pages = context.pages;
    if (settings.kernelPages >= pages) {
      throw new HvsimError(
        'invalid-options',
        `expected fewer kernel pages than the VM's ${pages} pages, got ${settings.kernelPages}`,
        'guest.kernelPages',
      );
    }
    this.vm = context.vm;
    this.settings = settings;
    this.#overlay = `${settings.image}#vm${context.vm}`;
    this.#bus = context.bus;
    this.#machine = context.machine;
    this.#disk = context.disk;
    this.#copier = context.copier;
    this.#scale = scaleOf(context);
    this.#locality = context.diskLocality;
    this.#hints = settings.pageHints;
    this.#read = createBlockRead(Math.max(1, settings.fullReadaheadBlocks));
    this.#nextFlush = settings.writeback > 0 ? settings.writeback / 2 : Number.POSITIVE_INFINITY;
    this.use = new Uint8Array(pages);
    this.owner = new Uint32Array(pages);
    this.lru = new LruLists(pages);
    this.zeroed = new FreeStack(pages);
    this.dirtyFree = new FreeStack(pages);
    this.#pageTable = new Int32Array(settings.addressSpacePages);
    this.#cache = new Int32Array(settings.diskBlocks);
    this.dirty = new Uint8Array(pages);
    this.swapContent = new Float64Array(settings.swapPages);
    this.swapFree = new FreeStack(settings.swapPages);
    this.swapFree.pushRange(0, settings.swapPages);
    this.#ops = new Uint32Array(batchCapacity);
    this.#contents = new Float64Array(batchCapacity);
    this.balloon = new BalloonDriver(this, context.backdoor, settings.balloon, pages);
    this.#bootedAt = this.#boot(pages);
    this.cmm = settings.cmm.installed
      ? new CmmModule(this, context.backdoor, settings.cmm, pages)
      : undefined;
  }

  get booted(): boolean {
    return this.#machine.vmTime(this.vm) >= this.#bootedAt;
  }

  /** Free pages of either kind. */
  get freePages(): number {
    return this.zeroed.size + this.dirtyFree.size;
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
    return this.#cache[block]! - 1;
  }

  /** The usage state the host holds for a page (CMM2; stable throughout without hints). */
  pageUsage(ppn: Ppn): GuestPageUsage {
    return this.#machine.pageUsage(this.vm, ppn);
  }

  /** What disk block `block` holds on the disk itself (not its cached copy). */
  onDisk(block: number): ContentId {
    const written = this.#written?.[block] ?? 0;
    return written === 0 ? this.settings.diskContent(block) : written - 1;
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
    const ops = this.#ops;
    const contents = this.#contents;
    const capacity = ops.length;
    // The common op, an access to a resident anonymous page, is queued here with the queue's length in a
    // local; every other op goes through methods that may flush, so the length is stored before and reloaded
    // after them.
    this.balloon.poll();
    this.cmm?.poll();
    if (this.vmTime() >= this.#nextFlush) this.#flushDirty();
    let pending = this.#pending;
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
      this.#pending = pending;
      this.#slowOp(batch, i);
      pending = this.#pending;
      // Time only jumps at a fault, a disk access or a compute op: only then can the deadline have passed.
      if (this.#slow) {
        this.#slow = false;
        this.#flush();
        pending = 0;
        if (this.#machine.vmTime(this.vm) >= until) return this.#done(from, i + 1);
      }
    }
    this.#pending = pending;
    this.#flush();
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
    switch (batch.kind[i]) {
      case OpKind.Read:
        this.#queue(this.#anonPage(t), false, 0);
        break;
      case OpKind.Write:
        this.#queue(this.#anonPage(t), true, batch.content[i]!);
        break;
      case OpKind.FileRead:
        this.#queue(this.#cachePage(t, true), false, 0);
        break;
      case OpKind.FileWrite: {
        const ppn = this.#writablePage(t);
        if (!this.dirty[ppn]) this.dirty[ppn] = DIRTIED; // the flusher ages a page from its first write
        this.#queue(ppn, true, batch.content[i]!);
        break;
      }
      case OpKind.FileCopy:
        this.#copyBlock(t, batch.content[i]!);
        break;
      case OpKind.Free:
        this.#freeVirtual(t);
        break;
      case OpKind.Compute:
        this.#computeOps++;
        this.#slow = true;
        this.#bus.charge(this.vm, t);
        this.#idle(t);
        break;
      default:
        throw new HvsimError(
          'invalid-op',
          `expected an op kind of OpKind, got ${batch.kind[i]}`,
          `batch.kind[${i}]`,
        );
    }
  }

  /** A discard fault: the host discarded a volatile page the guest touched, which it re-reads from disk. */
  #restore(ppn: Ppn): void {
    // Only clean page-cache pages are ever volatile: re-read the block from the disk.
    if (this.use[ppn] !== PageUse.Cache || this.dirty[ppn]) {
      throw new HvsimError('lost-data', `page ${ppn} was discarded but is not a clean cache page`, 'guest');
    }
    const block = this.owner[ppn]!;
    this.#read.length = 0;
    this.#addBlock(ppn, block);
    // The read goes through readahead, as Linux's retry after page_discard does: cached blocks after it that
    // the host discarded too come back in the same request (each made stable, filled, volatile again).
    const end = Math.min(this.#cache.length, block + this.#window());
    for (let next = block + 1; next < end; next++) {
      const page = this.#cache[next]! - 1;
      if (page < 0 || this.#machine.pageState(this.vm, page) !== PageState.Discarded) break;
      this.#bus.setPageUsage(this.vm, page, GuestPageUsage.Stable);
      this.#addBlock(page, next);
    }
    this.#readBlocks();
  }

  // ---- allocation and reclaim (KernelServices: also used by the balloon driver and the cmm module) ----

  /**
   * Takes a free page for `use`, reclaiming one first when none is free. Anonymous pages come back zeroed:
   * from the zeroed list, or cleared now (a write of zeros the host sees) — unless the caller fills the
   * whole page itself (`filled`: a read from swap or disk), as a kernel never clears a page it is about to
   * overwrite. With hints, a page is made stable here, but one the caller fills stays unused until the caller
   * says what it holds after the fill (stable, or volatile for a clean cache page): one change, not two.
   */
  allocate(use: PageUse, filled = false): Ppn {
    this.#slow = true;
    this.#flush();
    if (this.freePages === 0) this.#reclaim(use);
    let ppn: Ppn;
    if (use === PageUse.Anon && !filled) {
      ppn = this.zeroed.pop();
      // Linux keeps no zeroed list (clear_page runs on every new anonymous page); Windows clears one only
      // when its zero-page thread has not.
      const clear = ppn === -1 || this.settings.habits.zeroPagesPerIdleMs === 0;
      if (ppn === -1) ppn = this.dirtyFree.pop();
      this.#hint(ppn, GuestPageUsage.Stable);
      if (clear) this.#bus.write(this.vm, ppn, 0);
    } else {
      ppn = this.dirtyFree.pop();
      if (ppn === -1) ppn = this.zeroed.pop();
      if (!filled) this.#hint(ppn, GuestPageUsage.Stable);
    }
    this.use[ppn] = use;
    return ppn;
  }

  /** VM time, by which the balloon driver and the cmm module pace themselves. */
  vmTime(): SimTime {
    return this.#machine.vmTime(this.vm);
  }

  /** Charges the VM for work of the guest kernel's own (a hypercall). */
  charge(ns: SimTime): void {
    this.#bus.charge(this.vm, ns);
  }

  /** Returns a page to the free lists (dirty: it may hold old contents). */
  release(ppn: Ppn, zeroed: boolean): void {
    this.lru.remove(ppn);
    this.use[ppn] = PageUse.Free;
    this.dirty[ppn] = 0;
    (zeroed ? this.zeroed : this.dirtyFree).push(ppn);
    this.#hint(ppn, GuestPageUsage.Unused);
  }

  /** Tells the host a page's new usage state (CMM2), when the guest gives hints. */
  #hint(ppn: Ppn, usage: GuestPageUsage): void {
    if (this.#hints) this.#bus.setPageUsage(this.vm, ppn, usage);
  }

  /**
   * Marks a page volatile if it may be: a clean page-cache page, which the disk holds as it is (Linux's
   * page_make_volatile; no anonymous, kernel, dirty or ballooned page ever is).
   */
  #makeVolatile(ppn: Ppn): void {
    if (this.use[ppn] === PageUse.Cache && !this.dirty[ppn]) this.#hint(ppn, GuestPageUsage.Volatile);
  }

  /**
   * Evicts one page by the guest's own LRU policy (second chance on the inactive list), for an allocation
   * for `use`. When none can go, the guest is out of memory: its OOM notifiers run, as before an OOM kill —
   * the cmm module gives pages back — except for a balloon's or a cmm pool's own allocation, which gives up
   * instead (Linux asks for those with NORETRY and NOIO, which never reach the OOM killer).
   */
  #reclaim(use: PageUse): void {
    const lru = this.lru;
    let budget = 2 * (lru.size(LruList.Active) + lru.size(LruList.Inactive)) + 1;
    while (budget-- > 0) {
      lru.balance();
      const victim =
        lru.tail(LruList.Inactive) === -1 ? lru.tail(LruList.Active) : lru.tail(LruList.Inactive);
      if (victim === -1) break;
      if (lru.referenced[victim]) {
        lru.moveToHead(LruList.Active, victim);
        continue;
      }
      if (this.#evict(victim)) return;
      lru.moveToHead(LruList.Active, victim); // an anonymous page with no swap slot left
    }
    const pinned = use === PageUse.Balloon || use === PageUse.Cmm;
    if (!pinned && this.cmm && this.cmm.onOutOfMemory() > 0) return;
    throw new GuestOutOfMemoryError(
      this.vm,
      `${this.lru.size(LruList.Active) + this.lru.size(LruList.Inactive)} pages on the LRU, ` +
        `${this.swapFree.size} swap slots free`,
    );
  }

  #evict(ppn: Ppn): boolean {
    const vm = this.vm;
    if (this.use[ppn] === PageUse.Cache) {
      const block = this.owner[ppn]!;
      if (this.dirty[ppn]) this.#writeBack(block);
      this.#cache[block] = 0;
      this.release(ppn, false);
      return true;
    }
    const slot = this.swapFree.pop();
    if (slot === -1) return false;
    // Double paging: the guest pages out a page the host had already swapped, so it is read back first.
    if (this.#machine.pageState(vm, ppn) === PageState.Swapped) this.#counters.doublePagings++;
    this.swapContent[slot] = this.#bus.deviceRead(vm, ppn);
    this.#counters.guestSwapOuts++;
    this.#diskWrite(1, 1);
    this.#disk.swapOut(ppn, slot);
    this.#pageTable[this.owner[ppn]!] = -(slot + 1);
    this.release(ppn, false);
    return true;
  }

  /**
   * The flusher (Linux's writeback threads): every half of `writeback`, dirty cache pages already dirty at the
   * pass before are written back, so each goes within `writeback` of its first write and becomes clean — and,
   * with page hints, volatile. The guest waits for the writes, a simplification: Linux's flusher writes in
   * the background.
   */
  #flushDirty(): void {
    this.#nextFlush = this.vmTime() + this.settings.writeback / 2;
    this.#flush();
    const dirty = this.dirty;
    for (let ppn = 0; ppn < dirty.length; ppn++) {
      if (dirty[ppn] === DIRTIED) dirty[ppn] = AGED;
      else if (dirty[ppn] === AGED) this.#writeBack(this.owner[ppn]!);
    }
  }

  /**
   * Writes a dirty block back with the dirty blocks cached after it, up to the readahead window, in one
   * request (as Linux's flusher clusters a file's dirty pages); they stay cached, clean.
   */
  #writeBack(block: number): void {
    this.#written ??= new Float64Array(this.#cache.length);
    const written = this.#written;
    const end = Math.min(this.#cache.length, block + this.#window());
    let next = block;
    for (; next < end; next++) {
      const ppn = this.#cache[next]! - 1;
      if (ppn < 0 || !this.dirty[ppn]) break;
      written[next] = this.#bus.deviceRead(this.vm, ppn) + 1;
      this.dirty[ppn] = 0;
      this.#makeVolatile(ppn);
    }
    this.#diskWrite(next - block, this.settings.fullReadaheadBlocks);
  }

  /**
   * Whether this miniature's disk blocks each stand for R blocks read apart: then each request stands for R
   * full-size ones, with the full-size readahead window (it takes in R times the blocks, as the R requests
   * would). Blocks read together instead read ahead over the window divided by R, one request standing for
   * the full-size ones its blocks fill.
   */
  #apart(): boolean {
    return this.#scale > 1 && this.#locality?.() === 'apart';
  }

  /** Blocks one request reads ahead or writes back, at most. */
  #window(): number {
    return this.#apart() ? this.settings.fullReadaheadBlocks : this.settings.readaheadBlocks;
  }

  /**
   * Full-size requests a request of `blocks` stands for, where one full-size request moves up to `window`
   * blocks: 1 at full size; in a miniature the blocks stand for R times as many (R one-page swap requests),
   * and blocks read apart R requests.
   */
  #requests(blocks: number, window: number): number {
    return this.#apart() ? this.#scale : Math.max(1, (blocks * this.#scale) / window);
  }

  #diskRead(blocks: number, window: number): void {
    const requests = this.#requests(blocks, window);
    this.#counters.diskReads += requests;
    this.#bus.diskRead(this.vm, blocks, requests);
  }

  #diskWrite(blocks: number, window: number): void {
    const requests = this.#requests(blocks, window);
    this.#counters.diskWrites += requests;
    this.#bus.diskWrite(this.vm, blocks, requests);
  }

  // ---- ops ---------------------------------------------------------------------------------------------

  #queue(ppn: Ppn, write: boolean, content: ContentId): void {
    this.lru.referenced[ppn] = 1;
    if (this.#pending === this.#ops.length) {
      this.#flush();
      this.#slow = true; // the flushed accesses may have waited on host swap-ins
    }
    this.#ops[this.#pending] = accessOp(ppn, write);
    this.#contents[this.#pending++] = content;
  }

  /** Sends the queued accesses; one that takes a discard fault is restarted once the page is restored. */
  #flush(): void {
    if (this.#pending === 0) return;
    const n = this.#pending;
    this.#pending = 0;
    const ops = this.#ops;
    for (let i = this.#bus.accessBatch(this.vm, ops, this.#contents, n); i < n; ) {
      this.#restore(ops[i]! & ~WRITE_ACCESS);
      i = this.#bus.accessBatch(this.vm, ops, this.#contents, n, i);
    }
  }

  /** The page behind a virtual page: demand-allocated on first touch, or brought back from guest swap. */
  #anonPage(vpn: number): Ppn {
    const entry = this.#pageTable[vpn] ?? badTarget('virtual page', this.#pageTable.length, vpn);
    if (entry > 0) return entry - 1;
    const ppn = this.allocate(PageUse.Anon, entry < 0);
    this.owner[ppn] = vpn;
    if (entry < 0) {
      const slot = -entry - 1;
      this.#counters.guestSwapIns++;
      this.#diskRead(1, 1);
      this.#disk.swapIn(ppn, slot);
      this.#bus.deviceWrite(this.vm, ppn, this.swapContent[slot]!);
      this.#hint(ppn, GuestPageUsage.Stable);
      this.swapFree.push(slot);
    }
    this.#pageTable[vpn] = ppn + 1;
    this.lru.pushHead(LruList.Active, ppn);
    return ppn;
  }

  /**
   * The page caching a disk block, read from the disk on a miss when `fill` (a full overwrite needs no read).
   * A read also brings in the blocks after it, up to the readahead window, in the same request: it stops at
   * a block already cached, at the end of the disk, and when memory is too tight to hold the window.
   */
  #cachePage(block: number, fill: boolean): Ppn {
    const cached = this.#cache[block] ?? badTarget('disk block', this.#cache.length, block);
    if (cached > 0) return cached - 1;
    const ppn = this.#cacheBlock(block, fill);
    if (!fill) return ppn;
    // The missed page is about to be used: referenced, so reclaim for the readahead pages passes it over.
    this.lru.referenced[ppn] = 1;
    this.#read.length = 0;
    this.#addBlock(ppn, block);
    // Linux's readahead: every page of the window allocated first, then one request reads them all.
    const window = this.#window();
    const end = Math.min(this.#cache.length, block + window);
    for (let next = block + 1; next < end && this.#cache[next] === 0; next++) {
      // Under pressure, a window larger than the inactive list would evict its own pages (or active ones).
      if (this.freePages === 0 && this.lru.size(LruList.Inactive) < window) break;
      this.#addBlock(this.#cacheBlock(next, true), next);
    }
    this.#readBlocks();
    return ppn;
  }

  #addBlock(ppn: Ppn, block: number): void {
    addBlock(this.#read, ppn, this.#imageOf(block), block, this.onDisk(block));
  }

  /**
   * Issues the request to the virtual disk: a sharing layer over it, when the host put one there, fills the
   * pages whose blocks it holds in memory already (no disk I/O); the disk reads the rest in one request, by
   * DMA. Each page is made volatile once filled, before the next is, so reclaim never finds one unused.
   */
  #readBlocks(): void {
    const read = this.#read;
    // A page that reclaim took back for a later page of the window caches another block now: not read.
    let n = 0;
    for (let i = 0; i < read.length; i++) {
      const ppn = read.ppns[i]!;
      const block = read.blocks[i]!;
      if (this.#cache[block] !== ppn + 1) continue;
      if (n !== i) {
        read.ppns[n] = ppn;
        read.blocks[n] = block;
        read.images[n] = read.images[i]!;
        read.contents[n] = read.contents[i]!;
      }
      n++;
    }
    read.length = n;
    const disk = this.#disk;
    const shared = disk.request(read);
    for (let i = 0; i < n; i++) {
      const ppn = read.ppns[i]!;
      if (shared > 0 && read.shared[i] === 1) this.#counters.sharedReads++;
      else disk.transfer(ppn, read.images[i]!, read.blocks[i]!, read.contents[i]!);
      this.#makeVolatile(ppn);
    }
    if (shared === n) return;
    this.#diskRead(n - shared, this.settings.fullReadaheadBlocks);
  }

  /**
   * read(2) of `block` into the buffer page at virtual page `vpn`: the copy routine copies the cache page
   * into it — unless a sharing engine maps the buffer copy-on-write onto the cache page's frame instead
   * (Disco). When finding the cache page took the buffer's page away, the copy goes to its new page.
   */
  #copyBlock(block: number, vpn: number): void {
    this.#flush();
    this.#slow = true; // a fault or a disk read on the way may have taken time
    const dst = this.#anonPage(vpn);
    this.lru.referenced[dst] = 1;
    const src = this.#cachePage(block, true);
    this.lru.referenced[src] = 1;
    this.#flush(); // the buffer's clear, if it was just allocated, lands before the copy
    if (this.#pageTable[vpn] === dst + 1 && this.#copier?.copyPage(dst, src)) return;
    // The copy reads the cache page as an access of a batch, as it may take a discard fault.
    this.#queue(src, false, 0);
    this.#flush();
    const content = this.#machine.peek(this.vm, src)!;
    this.#bus.write(this.vm, this.#anonPage(vpn), content);
  }

  /**
   * The cache page a write of `block` dirties, stable: with hints, a cached page is made stable first, and
   * one the host discarded meanwhile is dropped from the cache and replaced (the write fills it whole).
   */
  #writablePage(block: number): Ppn {
    const ppn = this.#cachePage(block, false);
    if (!this.settings.pageHints || this.dirty[ppn]) return ppn; // a dirty page is stable already
    if (this.#bus.makeStableIfNotDiscarded(this.vm, ppn)) return ppn;
    this.#cache[block] = 0;
    this.release(ppn, false);
    return this.#cachePage(block, false);
  }

  /** A new page-cache page for `block`, on the inactive list; `filled` when a disk read fills it. */
  #cacheBlock(block: number, filled: boolean): Ppn {
    const ppn = this.allocate(PageUse.Cache, filled);
    this.owner[ppn] = block;
    this.#cache[block] = ppn + 1;
    this.lru.pushHead(LruList.Inactive, ppn);
    return ppn;
  }

  /**
   * The image `block` of the VM's disk lives in: the base image, unless this VM wrote it back since boot —
   * then the VM's own copy-on-write overlay, which no other VM reads (so a sharing-aware device serving the
   * image's blocks to every VM never hands out what this one wrote).
   */
  #imageOf(block: number): string {
    return (this.#written?.[block] ?? 0) === 0 ? this.settings.image : this.#overlay;
  }

  #freeVirtual(vpn: number): void {
    this.#flush();
    const entry = this.#pageTable[vpn] ?? badTarget('virtual page', this.#pageTable.length, vpn);
    if (entry > 0) this.release(entry - 1, false);
    else if (entry < 0) this.swapFree.push(-entry - 1);
    this.#pageTable[vpn] = UNMAPPED;
  }

  /** Idle time: a zero-page thread clears freed pages, so they return zeroed (Windows). */
  #idle(ns: number): void {
    const rate = this.settings.habits.zeroPagesPerIdleMs;
    if (rate === 0) return;
    this.#flush();
    let n = Math.min(this.dirtyFree.size, Math.floor((ns / 1e6) * rate));
    while (n-- > 0) {
      const ppn = this.dirtyFree.pop();
      this.#bus.write(this.vm, ppn, 0);
      this.zeroed.push(ppn);
    }
  }

  /** Loads the kernel from the image's first blocks; zeroes the rest of memory if the kind does. */
  #boot(pages: number): SimTime {
    const { kernelPages, habits, diskContent } = this.settings;
    this.zeroed.pushRange(kernelPages, pages);
    for (let ppn = 0; ppn < kernelPages; ppn++) {
      this.use[ppn] = PageUse.Kernel;
      this.#bus.deviceWrite(this.vm, ppn, diskContent(ppn));
    }
    if (habits.zeroAtBoot) for (let ppn = kernelPages; ppn < pages; ppn++) this.#bus.write(this.vm, ppn, 0);
    for (let ppn = kernelPages; ppn < pages; ppn++) this.#hint(ppn, GuestPageUsage.Unused);
    return this.#machine.vmTime(this.vm) + this.settings.bootTime;
  }
}
