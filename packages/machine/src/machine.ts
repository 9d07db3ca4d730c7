import {
  type ContentId,
  type EventSink,
  type Eviction,
  FRAME_STATE_NAMES,
  type FramePartition,
  FrameState,
  GUEST_PAGE_USAGE_NAMES,
  GuestPageUsage,
  InvalidInputError,
  isContentId,
  MAX_SCALE,
  type MachineView,
  type MemoryBus,
  type Mpn,
  NONE,
  PAGE_SIZE,
  type PagePartition,
  PageState,
  type Pages,
  type Ppn,
  type RemapApi,
  type SimTime,
  type SwapSlot,
  type VmCounters,
  type VmId,
  WRITE_ACCESS,
} from '@hvsim/spec';
import { CompressionCache, framesFor } from './compression-cache';
import type { ContentStore } from './content-store';
import { type CostModel, miniatureCosts, resolveCosts } from './costs';
import {
  ContentMismatchError,
  DiscardFaultError,
  DomainMismatchError,
  InvalidTransitionError,
  OutOfFramesError,
  OutOfRangeError,
  OutOfSwapError,
  ReclaimerAccessError,
} from './errors';
import { fastAccesses, fastWrites } from './fast-path';
import type { FrameReclaimer } from './frame-reclaimer';
import { FrameTable } from './frame-table';
import { SharedIndex } from './shared-index';
import { SwapDevice } from './swap-device';
import { TrapChannels } from './trap-channels';
import { Flag, USAGE_BITS, VmMemory, WRITTEN } from './vm-memory';

/** A usage byte as words, for errors: `potentiallyVolatile (written)`. */
const usageName = (usage: number) =>
  `${GUEST_PAGE_USAGE_NAMES[usage & USAGE_BITS]}${usage & WRITTEN ? ' (written)' : ''}`;

export interface MachineOptions {
  /** Host memory in 4 KiB frames. */
  readonly frames: Pages;
  /** Frames the hypervisor keeps for itself. Default 0. */
  readonly reservedFrames?: Pages;
  /** Host swap device size in pages. Default 0 (no swap). */
  readonly swapSlots?: number;
  /** Overrides of the default costs. */
  readonly costs?: Partial<CostModel>;
  /**
   * A miniature at this scale (see `miniatureCosts`): each page stands for `scale` pages, so costs per page
   * or access are charged `scale` times. Default 1.
   */
  readonly scale?: number;
  /** Real page bytes behind content ids, when the run has them. */
  readonly contentStore?: ContentStore;
  /** Where the machine reports VMs added and removed. */
  readonly emit?: EventSink;
  /**
   * Frees frames when an operation needs one and none is free (see FrameReclaimer for what it may do). If
   * none is free afterwards the operation fails with OutOfFramesError.
   */
  readonly reclaimer?: FrameReclaimer;
  /** In-frame reference-count value that overflows into the table. 0xffff (16 bits); tests lower it. */
  readonly refCountLimit?: number;
}

export interface VmOptions {
  readonly name?: string;
  /** Guest-physical memory in pages (the VM's configured size, its max). */
  readonly pages: Pages;
  /** Frames the VM costs the hypervisor (frame buffer, monitor). Default 0. */
  readonly overheadFrames?: Pages;
}

/** Bytes the model's state takes, from the typed arrays themselves. */
export interface MemoryFootprint {
  readonly frameBytes: number;
  readonly pageBytes: number;
  readonly swapBytes: number;
  readonly bytesPerFrame: number;
  readonly bytesPerPage: number;
}

const RESIDENT = 'private or shared';

/** What `#resolve` returns for an access of a batch that took a discard fault: the batch stops there. */
const FAULTED = -1;

function checkContent(content: ContentId, field = 'content'): void {
  if (!isContentId(content)) {
    throw new InvalidInputError(field, `expected a content id (a safe non-negative integer), got ${content}`);
  }
}

function wholeNumber(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(field, `expected a whole number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * The machine/MMU model of one host: frames, per-VM pmaps with shadow translation and traps, copy-on-write
 * sharing, host swap and a compression cache, with every access's cost charged to the accessing VM. It owns
 * every memory invariant: the only way to change its state is through these operations.
 */
export class Machine implements MachineView, MemoryBus, RemapApi {
  readonly contract = 'machine@1';
  readonly costs: CostModel;
  readonly contentStore: ContentStore | undefined;
  readonly traps: TrapChannels;
  readonly zeroFrame: Mpn;
  /** Internal state, exposed read-only for the invariant checker and benchmarks. */
  readonly frames: FrameTable;
  readonly swap: SwapDevice;
  readonly compression = new CompressionCache();
  readonly #vms: (VmMemory | undefined)[] = [];
  /** Shared frames by (sharing domain, contents) (see `share`); the zero frame is domain 0's. */
  readonly #sharedIndex = new SharedIndex();
  /** Each shared frame's domain. */
  readonly #frameDomain: Uint32Array;
  readonly #emit: EventSink | undefined;
  readonly #reclaimer: FrameReclaimer | undefined;
  /** True while the reclaimer runs: no guest access may be made then (FrameReclaimer's rule). */
  #reclaiming = false;
  readonly #reserved: Pages;
  /** `costs.essa`, read on every hint. */
  readonly #essaCost: SimTime;
  /** The miniature's scale: each disk block a guest moves stands for this many. */
  readonly #scale: number;
  #now: SimTime = 0;

  constructor(options: MachineOptions) {
    const frames = wholeNumber('frames', options.frames, 2, 2 ** 32 - 2);
    this.#reserved = wholeNumber('reservedFrames', options.reservedFrames ?? 0, 0, frames - 2);
    const slots = wholeNumber('swapSlots', options.swapSlots ?? 0, 0, 2 ** 32 - 2);
    const limit = wholeNumber('refCountLimit', options.refCountLimit ?? 0xffff, 2, 0xffff);
    this.#scale = wholeNumber('scale', options.scale ?? 1, 1, MAX_SCALE);
    this.costs = miniatureCosts(resolveCosts(options.costs), this.#scale);
    this.#essaCost = this.costs.essa;
    this.contentStore = options.contentStore;
    this.#emit = options.emit;
    this.#reclaimer = options.reclaimer;
    this.frames = new FrameTable(frames, limit);
    this.#frameDomain = new Uint32Array(frames);
    this.swap = new SwapDevice(slots);
    for (let i = 0; i < this.#reserved; i++) this.frames.allocate(FrameState.Reserved, 0);
    this.zeroFrame = this.frames.allocate(FrameState.Shared, 0) as Mpn;
    this.#sharedIndex.set(0, 0, this.zeroFrame);
    this.traps = new TrapChannels(
      (id) => this.#vm(id),
      () => this.#live(),
    );
  }

  // ---- views -------------------------------------------------------------------------------------------

  get totalFrames(): Pages {
    return this.frames.total;
  }
  get freeFrames(): Pages {
    return this.frames.free;
  }
  get reservedFrames(): Pages {
    return this.#reserved;
  }
  get swapSlots(): number {
    return this.swap.slots;
  }
  get usedSwapSlots(): number {
    return this.swap.used;
  }
  get now(): SimTime {
    return this.#now;
  }
  /** Number of shared frames the sharing index holds (the zero page among them). */
  get sharedFrames(): number {
    return this.#sharedIndex.size;
  }

  vms(): readonly VmId[] {
    return [...this.#live()].map((m) => m.id);
  }
  hasVm(vm: VmId): boolean {
    return this.#vms[vm] !== undefined;
  }
  vmName(vm: VmId): string {
    return this.#vm(vm).name;
  }
  pageCount(vm: VmId): Pages {
    return this.#vm(vm).pages;
  }
  pageState(vm: VmId, ppn: Ppn): PageState {
    const m = this.#vm(vm);
    return m.state[this.#ppn(m, ppn)] as PageState;
  }
  frameOf(vm: VmId, ppn: Ppn): Mpn | undefined {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)];
    return state === PageState.Private || state === PageState.Shared ? m.loc[ppn] : undefined;
  }
  peek(vm: VmId, ppn: Ppn): ContentId | undefined {
    const m = this.#vm(vm);
    return this.#peek(m, this.#ppn(m, ppn));
  }
  pageUsage(vm: VmId, ppn: Ppn): GuestPageUsage {
    const m = this.#vm(vm);
    return ((m.usage?.[this.#ppn(m, ppn)] ?? 0) & USAGE_BITS) as GuestPageUsage;
  }
  frameState(mpn: Mpn): FrameState {
    return this.frames.state[this.#mpn(mpn)] as FrameState;
  }
  frameContent(mpn: Mpn): ContentId {
    return this.frames.content[this.#mpn(mpn)]!;
  }
  frameDomain(mpn: Mpn): number {
    return this.frames.state[this.#mpn(mpn)] === FrameState.Shared ? this.#frameDomain[mpn]! : 0;
  }
  refCount(mpn: Mpn): number {
    return this.frames.state[this.#mpn(mpn)] === FrameState.Shared ? this.frames.refs.get(mpn) : 0;
  }
  /** The shared frame holding `content` in sharing domain `domain`, if there is one. */
  sharedFrameFor(content: ContentId, domain = 0): Mpn | undefined {
    if (content === 0) return this.zeroFrame;
    const mpn = this.#sharedIndex.get(domain, content);
    return mpn === -1 ? undefined : mpn;
  }
  pagePartition(vm: VmId): PagePartition {
    const p = this.#vm(vm).partition;
    // A literal, not built from the names: victim pickers read it per victim, and this is 50 times faster.
    return {
      unbacked: p[PageState.Unbacked]!,
      private: p[PageState.Private]!,
      shared: p[PageState.Shared]!,
      swapped: p[PageState.Swapped]!,
      ballooned: p[PageState.Ballooned]!,
      compressed: p[PageState.Compressed]!,
      discarded: p[PageState.Discarded]!,
    };
  }
  framePartition(): FramePartition {
    const c = this.frames.counts;
    return Object.fromEntries(FRAME_STATE_NAMES.map((name, i) => [name, c[i]!])) as FramePartition;
  }
  counters(vm: VmId): Readonly<VmCounters> {
    return this.#vm(vm).counters;
  }
  vmTime(vm: VmId): SimTime {
    return this.#vm(vm).counters.time;
  }
  overheadFrames(vm: VmId): Pages {
    return this.#vm(vm).overheadFrames.length;
  }
  compressionFrames(vm: VmId): Pages {
    return this.#vm(vm).compressionFrames.length;
  }
  compressedBytes(vm: VmId): number {
    return this.#vm(vm).compressedBytes;
  }
  /** Internal pmap of a VM, read-only by convention (for the invariant checker). */
  memoryOf(vm: VmId): VmMemory {
    return this.#vm(vm);
  }
  /** The index of shared frames by (domain, contents), as the machine holds it (for the invariant checker). */
  sharingIndex(): Pick<SharedIndex, 'get' | 'size'> {
    return this.#sharedIndex;
  }

  memoryFootprint(): MemoryFootprint {
    const f = this.frames;
    const frameBytes = f.byteLength;
    let pageBytes = 0;
    let pages = 0;
    for (const m of this.#live()) {
      pageBytes += m.flags.byteLength + m.state.byteLength + m.loc.byteLength;
      pages += m.pages;
    }
    const swapBytes = this.swap.byteLength;
    return {
      frameBytes,
      pageBytes,
      swapBytes,
      bytesPerFrame: frameBytes / f.total,
      bytesPerPage: pages === 0 ? 0 : pageBytes / pages,
    };
  }

  // ---- VMs and time ------------------------------------------------------------------------------------

  /** Powers on a VM: an unbacked pmap of `pages`, and its overhead frames taken now. */
  addVm(options: VmOptions): VmId {
    const pages = wholeNumber('vm.pages', options.pages, 1, WRITE_ACCESS - 1);
    const overhead = wholeNumber('vm.overheadFrames', options.overheadFrames ?? 0, 0);
    if (overhead > this.frames.free) {
      throw new OutOfFramesError(`${overhead} overhead frames (${this.frames.free} free)`);
    }
    const id = this.#vms.length as VmId;
    const memory = new VmMemory(id, options.name ?? `vm${id}`, pages);
    for (let i = 0; i < overhead; i++) {
      memory.overheadFrames.push(this.frames.allocate(FrameState.Overhead, 0) as Mpn);
    }
    this.#vms.push(memory);
    this.#emit?.({ time: this.#now, source: 'machine', kind: 'vm-added', vm: id, data: { pages, overhead } });
    return id;
  }

  /** Powers off a VM: every frame, slot and cache entry it held is freed. */
  removeVm(vm: VmId): void {
    const m = this.#vm(vm);
    for (let ppn = 0; ppn < m.pages; ppn++) this.#releaseBacking(m, ppn);
    for (const mpn of m.overheadFrames) this.frames.release(mpn);
    this.#vms[vm] = undefined;
    this.#emit?.({ time: this.#now, source: 'machine', kind: 'vm-removed', vm });
  }

  /** Advances host time; page-out writes due by then complete and free their frames. */
  advanceTo(time: SimTime): void {
    if (!(time >= this.#now)) {
      throw new InvalidInputError('time', `expected a time ≥ now (${this.#now}), got ${time}`);
    }
    this.#now = time;
    this.swap.complete(time, (mpn) => this.frames.release(mpn));
  }

  /** Waits for every page-out write in flight (the host blocks on its swap device), freeing their frames. */
  flushSwapWrites(): void {
    this.swap.complete(Number.POSITIVE_INFINITY, (mpn) => this.frames.release(mpn));
  }

  charge(vm: VmId, ns: SimTime): void {
    if (!(ns >= 0)) throw new InvalidInputError('ns', `expected a non-negative time, got ${ns}`);
    this.#vm(vm).counters.time += ns;
  }

  diskRead(vm: VmId, blocks = 1, requests = 1): void {
    const c = this.#vm(vm).counters;
    c.diskReads += requests;
    c.time += this.#diskTime(this.costs.diskRead, blocks, requests);
  }

  diskWrite(vm: VmId, blocks = 1, requests = 1): void {
    const c = this.#vm(vm).counters;
    c.diskWrites += requests;
    c.time += this.#diskTime(this.costs.diskWrite, blocks, requests);
  }

  /** `requests` latencies, and the transfer of each block they stand for after each request's first. */
  #diskTime(latency: SimTime, blocks: number, requests: number): SimTime {
    return requests * latency + (blocks * this.#scale - requests) * this.costs.diskTransfer;
  }

  // ---- guest accesses ----------------------------------------------------------------------------------

  read(vm: VmId, ppn: Ppn): ContentId {
    const m = this.#guest(vm);
    this.#ppn(m, ppn);
    const c = m.counters;
    c.accesses++;
    c.time += this.costs.access;
    if ((m.flags[ppn]! & this.#readMask()) === 0) return this.frames.content[m.loc[ppn]!]!;
    return this.#slowAccess(m, ppn, false, 0, false);
  }

  write(vm: VmId, ppn: Ppn, content: ContentId): void {
    const m = this.#guest(vm);
    this.#ppn(m, ppn);
    checkContent(content);
    const c = m.counters;
    c.accesses++;
    c.writes++;
    c.time += this.costs.access;
    if (m.flags[ppn] === 0) this.frames.content[m.loc[ppn]!] = content;
    else this.#slowAccess(m, ppn, true, content, false);
  }

  accessBatch(vm: VmId, ops: Uint32Array, contents: Float64Array, count: number, from = 0): number {
    const m = this.#guest(vm);
    if (!(Number.isInteger(count) && count >= 0 && count <= ops.length && count <= contents.length)) {
      throw new OutOfRangeError('count', count, 'a whole number up to the length of the batch arrays');
    }
    if (!(Number.isInteger(from) && from >= 0 && from <= count)) {
      throw new OutOfRangeError('from', from, `a whole number up to count (${count})`);
    }
    const frameContent = this.frames.content;
    // Accesses are counted as they are made, so a batch that fails part-way counts what it did; they are
    // charged when the batch ends, and a batch stopped at a discard fault ends when its restart does.
    let accesses = 0;
    let writes = 0;
    let next = from;
    let faulted = -1;
    try {
      if (m.stoppedAt !== -1) {
        const ppn = m.stoppedAt;
        if (from === count || (ops[from]! & ~WRITE_ACCESS) !== ppn) {
          throw new InvalidInputError(
            'from',
            `expected vm ${vm}'s batch to restart at its access to page ${ppn}, which took a discard fault`,
          );
        }
        // The restarted access was counted when it faulted.
        accesses = m.stoppedAccesses;
        writes = m.stoppedWrites;
        m.stoppedAt = -1;
        if (this.#resolve(m, ppn, ops[from] !== ppn, contents[from]!, true) === FAULTED) faulted = ppn;
        else next = from + 1;
      }
      while (next < count && faulted === -1) {
        const stop = fastAccesses(m.flags, m.loc, frameContent, ops, contents, next, count, this.#readMask());
        writes += fastWrites;
        accesses += stop - next;
        next = stop;
        if (stop === count) break;
        const op = ops[stop]!;
        const ppn = op & ~WRITE_ACCESS;
        const write = op !== ppn;
        if (ppn >= m.pages)
          throw new OutOfRangeError(`ops[${stop}]`, ppn, `a page of vm ${vm} in [0, ${m.pages})`);
        if (write) checkContent(contents[stop]!, `contents[${stop}]`);
        accesses++;
        if (write) writes++;
        if (this.#slowAccess(m, ppn, write, contents[stop]!, true) === FAULTED) faulted = ppn;
        else next = stop + 1;
      }
    } finally {
      if (faulted !== -1) {
        m.stoppedAt = faulted;
        m.stoppedAccesses = accesses;
        m.stoppedWrites = writes;
      } else {
        const c = m.counters;
        c.accesses += accesses;
        c.writes += writes;
        c.time += accesses * this.costs.access;
      }
    }
    return next;
  }

  /** Everything that leaves the fast path: observer traps first, then whatever the page's state needs. */
  deviceRead(vm: VmId, ppn: Ppn): ContentId {
    const m = this.#guest(vm);
    this.#ppn(m, ppn);
    if ((m.flags[ppn]! & Flag.NotPresent) === 0) return this.frames.content[m.loc[ppn]!]!;
    return this.#resolve(m, ppn, false, 0, false);
  }

  deviceWrite(vm: VmId, ppn: Ppn, content: ContentId): void {
    const m = this.#guest(vm);
    this.#ppn(m, ppn);
    checkContent(content);
    if ((m.flags[ppn]! & (Flag.NotPresent | Flag.WriteProtect)) === 0)
      this.frames.content[m.loc[ppn]!] = content;
    else this.#resolve(m, ppn, true, content, false);
  }

  #slowAccess(m: VmMemory, ppn: Ppn, write: boolean, content: ContentId, inBatch: boolean): ContentId {
    const c = m.counters;
    c.slowAccesses++;
    const bits = m.flags[ppn]! & (write ? this.traps.allBits : this.traps.accessBits);
    if (bits !== 0) {
      if ((bits & this.traps.chargedBits) !== 0) {
        c.traps++;
        c.time += this.costs.minorTrap;
      }
      this.traps.fire(m, ppn, bits, write);
    }
    return this.#resolve(m, ppn, write, content, inBatch);
  }

  /**
   * Brings the page to a private or shared frame the access can use, then reads or writes it. A discarded
   * page stops the access (FAULTED) when it is part of a batch, which the guest restarts after restoring the
   * page; any other access to one is a DiscardFaultError.
   */
  #resolve(m: VmMemory, ppn: Ppn, write: boolean, content: ContentId, inBatch: boolean): ContentId {
    const c = m.counters;
    const costs = this.costs;
    // The frame reclaimer may move the page while a frame is allocated for it: each case re-checks.
    for (;;) {
      switch (m.state[ppn]) {
        case PageState.Private: {
          const mpn = m.loc[ppn]!;
          if (!write) return this.frames.content[mpn]!;
          this.frames.content[mpn] = content;
          // The first write to a clean potentially volatile page: it must be preserved from now on.
          if (m.usage?.[ppn] === GuestPageUsage.PotentiallyVolatile) m.setUsage(ppn, m.usage[ppn]! | WRITTEN);
          return content;
        }
        case PageState.Shared: {
          if (!write) return this.frames.content[m.loc[ppn]!]!;
          const copied = this.#breakShare(m, ppn);
          if (copied === undefined) break;
          c.cowBreaks++;
          c.time += copied ? costs.cowBreak : costs.minorTrap;
          break;
        }
        case PageState.Unbacked: {
          const mpn = this.#allocate(FrameState.Private, 0, 'a zero-fill');
          if (this.#changed(m, ppn, PageState.Unbacked, NONE, mpn)) break;
          m.setState(ppn, PageState.Private, mpn);
          c.zeroFills++;
          c.time += costs.zeroFill;
          break;
        }
        case PageState.Swapped:
          this.#swapIn(m, ppn);
          break;
        case PageState.Ballooned:
          // The hypervisor backs the page again, zeroed; the guest never learns of it (ESX).
          c.balloonPops++;
          c.time += costs.minorTrap;
          m.setState(ppn, PageState.Unbacked, NONE);
          break;
        case PageState.Compressed:
          this.#decompress(m, ppn);
          break;
        case PageState.Discarded:
          if (!inBatch) throw new DiscardFaultError(m.id, ppn);
          c.discardFaults++;
          c.time += costs.discardFault;
          m.setState(ppn, PageState.Unbacked, NONE);
          m.setUsage(ppn, GuestPageUsage.Stable); // Sz: the guest re-reads it, then may mark it volatile again
          return FAULTED;
      }
    }
  }

  // ---- remap operations --------------------------------------------------------------------------------

  share(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain = 0): Mpn {
    const a = this.#vm(vm);
    const b = this.#vm(ontoVm);
    this.#resident('share', a, this.#ppn(a, ppn));
    this.#resident('share', b, this.#ppn(b, ontoPpn));
    if (this.#peek(a, ppn) !== this.#peek(b, ontoPpn)) {
      throw new ContentMismatchError(`vm ${vm} page ${ppn} and vm ${ontoVm} page ${ontoPpn}`);
    }
    const target = this.#sharedFrameOf(b, ontoPpn, domain);
    this.#mapShared(a, ppn, target);
    return target;
  }

  fillShared(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain = 0): Mpn {
    const a = this.#vm(vm);
    const b = this.#vm(ontoVm);
    const state = a.state[this.#ppn(a, ppn)] as PageState;
    if (state === PageState.Ballooned || state === PageState.Discarded) {
      throw new InvalidTransitionError('fillShared', vm, ppn, state, 'not ballooned or discarded');
    }
    this.#resident('fillShared', b, this.#ppn(b, ontoPpn));
    if (a === b && ppn === ontoPpn) throw new OutOfRangeError('ontoPpn', ontoPpn, `a page other than ${ppn}`);
    const target = this.#sharedFrameOf(b, ontoPpn, domain);
    this.#mapShared(a, ppn, target);
    return target;
  }

  /**
   * The shared frame of `domain` that resident page `ppn` joins, mapping it there: the domain's frame of its
   * contents, else its own frame, which becomes that.
   */
  #sharedFrameOf(m: VmMemory, ppn: Ppn, domain: number): Mpn {
    const own = m.loc[ppn]!;
    if (m.state[ppn] === PageState.Shared && own !== this.zeroFrame && this.#frameDomain[own] !== domain) {
      throw new DomainMismatchError(`vm ${m.id} page ${ppn} is shared in domain ${this.#frameDomain[own]}`);
    }
    const content = this.#peek(m, ppn)!;
    // A shared page's frame is its domain's one frame of its contents: no lookup.
    let target = m.state[ppn] === PageState.Shared ? own : this.sharedFrameFor(content, domain);
    if (target === undefined) {
      // No shared copy yet: the page becomes it (it is private, or it would be in the index).
      target = own;
      this.frames.relabel(target, FrameState.Shared);
      this.frames.refs.set(target, 1);
      this.#frameDomain[target] = domain;
      this.#sharedIndex.set(domain, content, target);
      m.setState(ppn, PageState.Shared, target);
    }
    this.#mapShared(m, ppn, target);
    return target;
  }

  shareWithFrame(vm: VmId, ppn: Ppn, mpn: Mpn): void {
    const m = this.#vm(vm);
    this.#resident('shareWithFrame', m, this.#ppn(m, ppn));
    if (this.frames.state[this.#mpn(mpn)] !== FrameState.Shared) {
      throw new OutOfRangeError('mpn', mpn, 'a shared frame');
    }
    if (this.#peek(m, ppn) !== this.frames.content[mpn]) {
      throw new ContentMismatchError(`vm ${vm} page ${ppn} and frame ${mpn}`);
    }
    this.#mapShared(m, ppn, mpn);
  }

  breakShare(vm: VmId, ppn: Ppn): Mpn {
    const m = this.#vm(vm);
    this.#resident('breakShare', m, this.#ppn(m, ppn));
    while (m.state[ppn] === PageState.Shared) this.#breakShare(m, ppn);
    this.#resident('breakShare', m, ppn);
    return m.loc[ppn]!;
  }

  balloon(vm: VmId, ppn: Ppn): void {
    const m = this.#vm(vm);
    if (m.state[this.#ppn(m, ppn)] === PageState.Ballooned) {
      throw new InvalidTransitionError('balloon', vm, ppn, PageState.Ballooned, 'not ballooned');
    }
    this.#releaseBacking(m, ppn);
    m.setState(ppn, PageState.Ballooned, NONE);
    if (m.usage !== undefined) m.setUsage(ppn, GuestPageUsage.Stable); // the driver pinned it
  }

  unballoon(vm: VmId, ppn: Ppn): void {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state !== PageState.Ballooned)
      throw new InvalidTransitionError('unballoon', vm, ppn, state, 'ballooned');
    m.setState(ppn, PageState.Unbacked, NONE);
  }

  swapOut(vm: VmId, ppn: Ppn): SwapSlot {
    const m = this.#vm(vm);
    this.#resident('swapOut', m, this.#ppn(m, ppn));
    this.#stable('swapOut', m, ppn);
    const slot = this.swap.allocate(this.frames.content[m.loc[ppn]!]!);
    if (slot === -1) throw new OutOfSwapError(this.swap.slots);
    const freed = this.#detachFrame(m, ppn);
    if (freed !== -1) this.frames.relabel(freed, FrameState.InFlight);
    this.swap.startWrite(slot, freed === -1 ? NONE : freed, this.#now + this.costs.swapOutLatency);
    m.setState(ppn, PageState.Swapped, slot);
    m.counters.swapOuts++;
    return slot;
  }

  swapIn(vm: VmId, ppn: Ppn): Mpn {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state !== PageState.Swapped) throw new InvalidTransitionError('swapIn', vm, ppn, state, 'swapped');
    while (m.state[ppn] === PageState.Swapped) this.#swapIn(m, ppn);
    this.#resident('swapIn', m, ppn);
    return m.loc[ppn]!;
  }

  compress(vm: VmId, ppn: Ppn, compressedBytes: number): void {
    const m = this.#vm(vm);
    this.#resident('compress', m, this.#ppn(m, ppn));
    this.#stable('compress', m, ppn);
    wholeNumber('compressedBytes', compressedBytes, 1, PAGE_SIZE);
    // The cache may need one more frame. A page that frees its own frame hands it to the cache; otherwise a
    // frame is allocated first, and the page checked again (the frame reclaimer may have moved it).
    let spare: Mpn | -1 = -1;
    if (this.#cacheGrows(m, compressedBytes) && !this.#freesFrame(m, ppn)) {
      spare = this.#allocate(FrameState.Compressed, 0, 'the compression cache');
      const state = m.state[ppn] as PageState;
      if (state !== PageState.Private && state !== PageState.Shared) {
        this.frames.release(spare);
        throw new InvalidTransitionError('compress', vm, ppn, state, RESIDENT);
      }
    }
    const content = this.frames.content[m.loc[ppn]!]!;
    const freed = this.#detachFrame(m, ppn);
    const forCache = this.#cacheGrows(m, compressedBytes) ? (spare !== -1 ? spare : freed) : -1;
    for (const mpn of [spare, freed]) {
      if (mpn === -1) continue;
      if (mpn !== forCache) this.frames.release(mpn);
      else {
        this.frames.relabel(mpn, FrameState.Compressed);
        this.frames.content[mpn] = 0;
        m.compressionFrames.push(mpn);
      }
    }
    m.compressedBytes += compressedBytes;
    m.setState(ppn, PageState.Compressed, this.compression.allocate(content, compressedBytes));
    m.counters.compressions++;
    m.counters.time += this.costs.compress;
  }

  rejectCompression(vm: VmId, ppn: Ppn): void {
    const m = this.#vm(vm);
    this.#resident('rejectCompression', m, this.#ppn(m, ppn));
    m.counters.compressionRejects++;
    m.counters.time += this.costs.compress;
  }

  swapOutCompressed(vm: VmId, ppn: Ppn): SwapSlot {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state !== PageState.Compressed) {
      throw new InvalidTransitionError('swapOutCompressed', vm, ppn, state, 'compressed');
    }
    const entry = m.loc[ppn]!;
    const slot = this.swap.allocate(this.compression.content[entry]!);
    if (slot === -1) throw new OutOfSwapError(this.swap.slots);
    // The page is not decompressed into a frame to be written, so its cache bytes go at once and no frame waits.
    this.#releaseCompressed(m, entry);
    m.setState(ppn, PageState.Swapped, slot);
    m.counters.swapOuts++;
    return slot;
  }

  decompress(vm: VmId, ppn: Ppn): Mpn {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state !== PageState.Compressed) {
      throw new InvalidTransitionError('decompress', vm, ppn, state, 'compressed');
    }
    while (m.state[ppn] === PageState.Compressed) this.#decompress(m, ppn);
    this.#resident('decompress', m, ppn);
    return m.loc[ppn]!;
  }

  discard(vm: VmId, ppn: Ppn): void {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state === PageState.Unbacked || state === PageState.Ballooned || state === PageState.Discarded) {
      throw new InvalidTransitionError('discard', vm, ppn, state, 'holding contents');
    }
    const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
    if (usage !== GuestPageUsage.Volatile && usage !== GuestPageUsage.PotentiallyVolatile) {
      throw new InvalidTransitionError(
        'discard',
        vm,
        ppn,
        usageName(usage),
        'volatile, or potentially volatile and clean',
      );
    }
    this.#releaseBacking(m, ppn);
    m.setState(ppn, PageState.Discarded, NONE);
    m.setUsage(ppn, GuestPageUsage.Volatile); // Pr → Vz: the host always uses Vz
    m.counters.discards++;
  }

  drop(vm: VmId, ppn: Ppn): void {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if (state === PageState.Ballooned)
      throw new InvalidTransitionError('drop', vm, ppn, state, 'not ballooned');
    const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
    if (usage !== GuestPageUsage.Unused)
      throw new InvalidTransitionError('drop', vm, ppn, usageName(usage), 'unused');
    if (state === PageState.Unbacked) return;
    this.#releaseBacking(m, ppn);
    m.setState(ppn, PageState.Unbacked, NONE);
    m.counters.drops++;
  }

  evict(vm: VmId, ppn: Ppn): Eviction {
    const m = this.#vm(vm);
    this.#resident('evict', m, this.#ppn(m, ppn));
    const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
    if (usage === GuestPageUsage.Unused) {
      this.drop(vm, ppn);
      return 'dropped';
    }
    if (usage === GuestPageUsage.Volatile || usage === GuestPageUsage.PotentiallyVolatile) {
      this.discard(vm, ppn);
      return 'discarded';
    }
    if (usage !== GuestPageUsage.Stable) m.setUsage(ppn, GuestPageUsage.Stable); // Pr (written) → Sp
    this.swapOut(vm, ppn);
    return 'swapped';
  }

  setPageUsage(vm: VmId, ppn: Ppn, usage: GuestPageUsage): GuestPageUsage {
    const m = this.#vm(vm);
    const state = m.state[this.#ppn(m, ppn)] as PageState;
    if ((usage & USAGE_BITS) !== usage) throw new OutOfRangeError('usage', usage, 'a GuestPageUsage (0–3)');
    // The common case first, and cheaply: a resident page, whose usage alone changes (a guest gives a hint
    // for nearly every page it frees, allocates or fills).
    if (state === PageState.Private || state === PageState.Shared) {
      const c = m.counters;
      c.hints++;
      c.time += this.#essaCost;
      const bytes = m.usage ?? m.setUsage(ppn, GuestPageUsage.Stable);
      const old = bytes[ppn]!;
      // Only a change to or from clean potentially volatile moves the page's write protection.
      if (old === GuestPageUsage.PotentiallyVolatile || usage === GuestPageUsage.PotentiallyVolatile) {
        m.setUsage(ppn, usage);
      } else bytes[ppn] = usage;
      return (old & USAGE_BITS) as GuestPageUsage;
    }
    if (state === PageState.Ballooned && usage !== GuestPageUsage.Stable && usage !== GuestPageUsage.Unused) {
      throw new InvalidTransitionError('setPageUsage', vm, ppn, state, 'not ballooned');
    }
    const old = this.#hint(m, ppn);
    switch (state) {
      case PageState.Ballooned:
        m.setUsage(ppn, usage);
        break;
      case PageState.Swapped:
      case PageState.Compressed:
        // Preserved: unused or volatile lets the host forget its copy (Sp → Uz, Sp → Vz), without I/O. A
        // potentially volatile page cannot be preserved (Pp is not a state): its contents stay, stable.
        if (usage === GuestPageUsage.Unused || usage === GuestPageUsage.Volatile) {
          this.#releaseBacking(m, ppn);
          m.setState(ppn, usage === GuestPageUsage.Unused ? PageState.Unbacked : PageState.Discarded, NONE);
          m.setUsage(ppn, usage);
        }
        break;
      default:
        // Logically zero: a volatile request (or potentially volatile, which cannot be zero) makes it Vz.
        if (usage === GuestPageUsage.Stable || usage === GuestPageUsage.Unused) {
          m.setState(ppn, PageState.Unbacked, NONE);
          m.setUsage(ppn, usage);
        } else {
          m.setState(ppn, PageState.Discarded, NONE);
          m.setUsage(ppn, GuestPageUsage.Volatile);
        }
    }
    return old;
  }

  makeStableIfNotDiscarded(vm: VmId, ppn: Ppn): boolean {
    const m = this.#vm(vm);
    this.#ppn(m, ppn);
    this.#hint(m, ppn);
    if (m.state[ppn] === PageState.Discarded) return false;
    if (m.usage !== undefined) m.setUsage(ppn, GuestPageUsage.Stable);
    return true;
  }

  // ---- internals ---------------------------------------------------------------------------------------

  /** Only a stable page is preserved elsewhere (Up, Vp and Pp are not states): `evict` takes the others. */
  #stable(operation: string, m: VmMemory, ppn: Ppn): void {
    const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
    if (usage !== GuestPageUsage.Stable) {
      throw new InvalidTransitionError(operation, m.id, ppn, usageName(usage), 'stable');
    }
  }

  /** Counts and charges one ESSA; returns the page's usage before it. */
  #hint(m: VmMemory, ppn: Ppn): GuestPageUsage {
    const c = m.counters;
    c.hints++;
    c.time += this.#essaCost;
    return ((m.usage?.[ppn] ?? 0) & USAGE_BITS) as GuestPageUsage;
  }

  /** Flag bits that send a read to the hypervisor: not present, or armed by an access-mode trap channel. */
  #readMask(): number {
    return Flag.NotPresent | this.traps.accessBits;
  }

  #allocate(state: FrameState, content: ContentId, purpose: string): Mpn {
    let mpn = this.frames.allocate(state, content);
    if (mpn === -1 && this.#reclaimer) {
      // Its own operations may need a frame (a compression cache's) and call it again, nested.
      const outer = this.#reclaiming;
      this.#reclaiming = true;
      try {
        this.#reclaimer.reclaimFrames(this);
      } finally {
        this.#reclaiming = outer;
      }
      mpn = this.frames.allocate(state, content);
    }
    if (mpn === -1) throw new OutOfFramesError(purpose);
    return mpn;
  }

  /**
   * After an allocation: whether the frame reclaimer moved the page away from (state, loc) meanwhile. If so
   * the new frame is released, and the caller dispatches on the page's new state.
   */
  #changed(m: VmMemory, ppn: Ppn, state: PageState, loc: number, allocated: Mpn): boolean {
    if (m.state[ppn] === state && m.loc[ppn] === loc) return false;
    this.frames.release(allocated);
    return true;
  }

  /** Whether unmapping this resident page frees its frame. */
  #freesFrame(m: VmMemory, ppn: Ppn): boolean {
    return m.state[ppn] === PageState.Private || this.#lastMapper(m.loc[ppn]!);
  }

  /** Whether `bytes` more need one more frame in the VM's compression cache. */
  #cacheGrows(m: VmMemory, bytes: number): boolean {
    return framesFor(m.compressedBytes + bytes) > m.compressionFrames.length;
  }

  /** True when the shared frame's only mapper is the page about to leave it (and it is not the zero page). */
  #lastMapper(mpn: Mpn): boolean {
    return mpn !== this.zeroFrame && this.frames.refs.get(mpn) === 1;
  }

  /**
   * Unmaps a resident page's frame; returns the frame when nothing maps it any more (the caller frees or
   * re-labels it), else -1. The page's state is the caller's to set.
   */
  #detachFrame(m: VmMemory, ppn: Ppn): Mpn | -1 {
    const mpn = m.loc[ppn]!;
    if (m.state[ppn] === PageState.Private) return mpn;
    if (this.frames.refs.decrement(mpn) > 0 || mpn === this.zeroFrame) return -1;
    this.#sharedIndex.delete(this.#frameDomain[mpn]!, this.frames.content[mpn]!);
    return mpn;
  }

  /** Frees whatever holds the page's contents (frame, swap slot, cache entry). */
  #releaseBacking(m: VmMemory, ppn: Ppn): void {
    switch (m.state[ppn]) {
      case PageState.Private:
      case PageState.Shared: {
        const freed = this.#detachFrame(m, ppn);
        if (freed !== -1) this.frames.release(freed);
        break;
      }
      case PageState.Swapped: {
        const inFlight = this.swap.release(m.loc[ppn]!);
        if (inFlight !== -1) this.frames.release(inFlight);
        break;
      }
      case PageState.Compressed:
        this.#releaseCompressed(m, m.loc[ppn]!);
        break;
    }
  }

  /** Maps the page onto a shared frame, releasing whatever held it before. */
  #mapShared(m: VmMemory, ppn: Ppn, target: Mpn): void {
    if (m.state[ppn] === PageState.Shared && m.loc[ppn] === target) return;
    this.#releaseBacking(m, ppn);
    this.frames.refs.increment(target);
    m.setState(ppn, PageState.Shared, target);
  }

  /**
   * Gives a shared page a private frame; returns whether it had to copy (false: it was the last mapper and
   * keeps the frame), or undefined when the shortage handler moved the page while a frame was found.
   */
  #breakShare(m: VmMemory, ppn: Ppn): boolean | undefined {
    const old = m.loc[ppn]!;
    if (this.#lastMapper(old)) {
      this.#detachFrame(m, ppn);
      this.frames.relabel(old, FrameState.Private);
      m.setState(ppn, PageState.Private, old);
      return false;
    }
    const copy = this.#allocate(FrameState.Private, this.frames.content[old]!, 'a copy-on-write break');
    if (this.#changed(m, ppn, PageState.Shared, old, copy)) return undefined;
    // The handler may have unmapped the other mappers meanwhile: then this page frees the old frame.
    const freed = this.#detachFrame(m, ppn);
    if (freed !== -1) this.frames.release(freed);
    m.setState(ppn, PageState.Private, copy);
    return true;
  }

  #swapIn(m: VmMemory, ppn: Ppn): void {
    const slot = m.loc[ppn]!;
    const c = m.counters;
    const inFlight = this.swap.cancelWrite(slot);
    if (inFlight !== -1) {
      // The write has not completed: the frame still holds the page, take it back without I/O.
      this.frames.relabel(inFlight, FrameState.Private);
      this.swap.release(slot);
      m.setState(ppn, PageState.Private, inFlight);
      c.softFaults++;
      c.time += this.costs.minorTrap;
      return;
    }
    const mpn = this.#allocate(FrameState.Private, this.swap.content[slot]!, 'a swap-in');
    if (this.#changed(m, ppn, PageState.Swapped, slot, mpn)) return;
    this.swap.release(slot);
    m.setState(ppn, PageState.Private, mpn);
    c.swapIns++;
    c.time += this.costs.swapIn;
  }

  #decompress(m: VmMemory, ppn: Ppn): void {
    const entry = m.loc[ppn]!;
    const mpn = this.#allocate(FrameState.Private, this.compression.content[entry]!, 'a decompression');
    if (this.#changed(m, ppn, PageState.Compressed, entry, mpn)) return;
    this.#releaseCompressed(m, entry);
    m.setState(ppn, PageState.Private, mpn);
    m.counters.decompressions++;
    m.counters.time += this.costs.decompress;
  }

  #releaseCompressed(m: VmMemory, entry: number): void {
    m.compressedBytes -= this.compression.bytes[entry]!;
    this.compression.release(entry);
    while (m.compressionFrames.length > framesFor(m.compressedBytes)) {
      this.frames.release(m.compressionFrames.pop()!);
    }
  }

  #peek(m: VmMemory, ppn: Ppn): ContentId | undefined {
    const loc = m.loc[ppn]!;
    switch (m.state[ppn]) {
      case PageState.Private:
      case PageState.Shared:
        return this.frames.content[loc]!;
      case PageState.Swapped:
        return this.swap.content[loc]!;
      case PageState.Compressed:
        return this.compression.content[loc]!;
      case PageState.Discarded:
        return undefined;
      default:
        return 0;
    }
  }

  #resident(operation: string, m: VmMemory, ppn: Ppn): void {
    const state = m.state[ppn] as PageState;
    if (state !== PageState.Private && state !== PageState.Shared) {
      throw new InvalidTransitionError(operation, m.id, ppn, state, RESIDENT);
    }
  }

  /** The VM a guest access is made by; none may be made while the reclaimer runs (FrameReclaimer). */
  #guest(vm: VmId): VmMemory {
    if (this.#reclaiming) throw new ReclaimerAccessError(vm);
    return this.#vm(vm);
  }

  #vm(vm: VmId): VmMemory {
    const m = this.#vms[vm];
    if (m === undefined) throw new OutOfRangeError('vm', vm, 'the id of a powered-on VM');
    return m;
  }

  *#live(): Generator<VmMemory> {
    for (const m of this.#vms) if (m !== undefined) yield m;
  }

  #ppn(m: VmMemory, ppn: Ppn): Ppn {
    // A whole number in [0, 2³²) is its own unsigned 32-bit conversion (cheaper than Number.isInteger).
    if (!(ppn >>> 0 === ppn && ppn < m.pages)) {
      throw new OutOfRangeError('ppn', ppn, `a page of vm ${m.id} in [0, ${m.pages})`);
    }
    return ppn;
  }

  #mpn(mpn: Mpn): Mpn {
    if (!(Number.isInteger(mpn) && mpn >= 0 && mpn < this.frames.total)) {
      throw new OutOfRangeError('mpn', mpn, `a frame in [0, ${this.frames.total})`);
    }
    return mpn;
  }
}

/** Creates a host's machine. */
export const createMachine = (options: MachineOptions): Machine => new Machine(options);
