import {
  type ContentId,
  type Eviction,
  type FramePartition,
  FrameState,
  type GuestPageUsage,
  InvalidInputError,
  type MachineView,
  type MemoryBus,
  type Mpn,
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
import { peek } from './backing';
import { balloon, unballoon } from './balloon';
import { checkContent, checkMpn, checkPpn } from './checks';
import { discard, drop, evict, makeStableIfNotDiscarded, setPageUsage } from './cmm2';
import { compress, decompress, rejectCompression, swapOutCompressed } from './compression';
import type { CompressionCache } from './compression-cache';
import type { ContentStore } from './content-store';
import { breakShare } from './copy-on-write';
import type { CostModel } from './costs';
import { OutOfRangeError, ReclaimerAccessError } from './errors';
import { fastAccesses, fastWrites } from './fast-path';
import type { FrameTable } from './frame-table';
import { advanceTo, completeSwapWrites, swapIn, swapOut } from './host-swap';
import { type MachineOptions, MachineState } from './machine-state';
import type { SharedIndex } from './shared-index';
import { fillShared, share, sharedFrameFor, shareWithFrame } from './sharing';
import { FAULTED, resolve, slowAccess } from './slow-path';
import type { SwapDevice } from './swap-device';
import type { TrapChannels } from './trap-channels';
import { framePartition, type MemoryFootprint, memoryFootprint, pagePartition } from './views';
import { addVm, removeVm, type VmOptions } from './vm-lifecycle';
import { Flag, USAGE_BITS, type VmMemory } from './vm-memory';

/**
 * The machine/MMU model of one host: frames, per-VM pmaps with shadow translation and traps, copy-on-write
 * sharing, host swap and a compression cache, with every access's cost charged to the accessing VM. It owns
 * every memory invariant: the only way to change its state is through these operations.
 *
 * Guest accesses are made here; what leaves their fast path is resolved in slow-path.ts. The other operations
 * are transitions over the machine's state (machine-state.ts), one module per mechanism: sharing.ts,
 * copy-on-write.ts, host-swap.ts, compression.ts, balloon.ts, cmm2.ts; frames come from frame-allocation.ts,
 * which calls the frame reclaimer on a shortage.
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
  readonly compression: CompressionCache;
  readonly #s: MachineState;

  constructor(options: MachineOptions) {
    const reclaimer = options.reclaimer;
    const s = new MachineState(options, reclaimer && (() => reclaimer.reclaimFrames(this)));
    this.#s = s;
    this.costs = s.costs;
    this.contentStore = s.contentStore;
    this.traps = s.traps;
    this.zeroFrame = s.zeroFrame;
    this.frames = s.frames;
    this.swap = s.swap;
    this.compression = s.compression;
  }

  // ---- views -------------------------------------------------------------------------------------------

  get totalFrames(): Pages {
    return this.frames.total;
  }
  get freeFrames(): Pages {
    return this.frames.free;
  }
  get reservedFrames(): Pages {
    return this.#s.reserved;
  }
  get swapSlots(): number {
    return this.swap.slots;
  }
  get usedSwapSlots(): number {
    return this.swap.used;
  }
  get now(): SimTime {
    return this.#s.now;
  }
  /** Number of shared frames the sharing index holds (the zero page among them). */
  get sharedFrames(): number {
    return this.#s.sharedIndex.size;
  }

  vms(): readonly VmId[] {
    return [...this.#s.live()].map((m) => m.id);
  }
  hasVm(vm: VmId): boolean {
    return this.#s.vms[vm] !== undefined;
  }
  vmName(vm: VmId): string {
    return this.#s.vm(vm).name;
  }
  pageCount(vm: VmId): Pages {
    return this.#s.vm(vm).pages;
  }
  pageState(vm: VmId, ppn: Ppn): PageState {
    const m = this.#s.vm(vm);
    return m.state[checkPpn(m, ppn)] as PageState;
  }
  frameOf(vm: VmId, ppn: Ppn): Mpn | undefined {
    const m = this.#s.vm(vm);
    const state = m.state[checkPpn(m, ppn)];
    return state === PageState.Private || state === PageState.Shared ? m.loc[ppn] : undefined;
  }
  peek(vm: VmId, ppn: Ppn): ContentId | undefined {
    const m = this.#s.vm(vm);
    return peek(this.#s, m, checkPpn(m, ppn));
  }
  pageUsage(vm: VmId, ppn: Ppn): GuestPageUsage {
    const m = this.#s.vm(vm);
    return ((m.usage?.[checkPpn(m, ppn)] ?? 0) & USAGE_BITS) as GuestPageUsage;
  }
  frameState(mpn: Mpn): FrameState {
    return this.frames.state[checkMpn(this.frames, mpn)] as FrameState;
  }
  frameContent(mpn: Mpn): ContentId {
    return this.frames.content[checkMpn(this.frames, mpn)]!;
  }
  frameDomain(mpn: Mpn): number {
    return this.frames.state[checkMpn(this.frames, mpn)] === FrameState.Shared
      ? this.#s.frameDomain[mpn]!
      : 0;
  }
  refCount(mpn: Mpn): number {
    return this.frames.state[checkMpn(this.frames, mpn)] === FrameState.Shared
      ? this.frames.refs.get(mpn)
      : 0;
  }
  /** The shared frame holding `content` in sharing domain `domain`, if there is one. */
  sharedFrameFor(content: ContentId, domain = 0): Mpn | undefined {
    return sharedFrameFor(this.#s, content, domain);
  }
  pagePartition(vm: VmId): PagePartition {
    return pagePartition(this.#s.vm(vm));
  }
  framePartition(): FramePartition {
    return framePartition(this.#s);
  }
  counters(vm: VmId): Readonly<VmCounters> {
    return this.#s.vm(vm).counters;
  }
  vmTime(vm: VmId): SimTime {
    return this.#s.vm(vm).counters.time;
  }
  overheadFrames(vm: VmId): Pages {
    return this.#s.vm(vm).overheadFrames.length;
  }
  compressionFrames(vm: VmId): Pages {
    return this.#s.vm(vm).compressionFrames.length;
  }
  compressedBytes(vm: VmId): number {
    return this.#s.vm(vm).compressedBytes;
  }
  /** Internal pmap of a VM, read-only by convention (for the invariant checker). */
  memoryOf(vm: VmId): VmMemory {
    return this.#s.vm(vm);
  }
  /** The index of shared frames by (domain, contents), as the machine holds it (for the invariant checker). */
  sharingIndex(): Pick<SharedIndex, 'get' | 'size'> {
    return this.#s.sharedIndex;
  }
  memoryFootprint(): MemoryFootprint {
    return memoryFootprint(this.#s);
  }

  // ---- VMs and time ------------------------------------------------------------------------------------

  /** Powers on a VM: an unbacked pmap of `pages`, and its overhead frames taken now. */
  addVm(options: VmOptions): VmId {
    return addVm(this.#s, options);
  }

  /** Powers off a VM: every frame, slot and cache entry it held is freed. */
  removeVm(vm: VmId): void {
    removeVm(this.#s, vm);
  }

  /** Advances host time; page-out writes due by then complete and free their frames. */
  advanceTo(time: SimTime): void {
    advanceTo(this.#s, time);
  }

  /** Waits for every page-out write in flight (the host blocks on its swap device), freeing their frames. */
  flushSwapWrites(): void {
    completeSwapWrites(this.#s, Number.POSITIVE_INFINITY);
  }

  charge(vm: VmId, ns: SimTime): void {
    if (!(ns >= 0)) throw new InvalidInputError('ns', `expected a non-negative time, got ${ns}`);
    this.#s.vm(vm).counters.time += ns;
  }

  diskRead(vm: VmId, blocks = 1, requests = 1): void {
    const c = this.#s.vm(vm).counters;
    c.diskReads += requests;
    c.time += this.#diskTime(this.costs.diskRead, blocks, requests);
  }

  diskWrite(vm: VmId, blocks = 1, requests = 1): void {
    const c = this.#s.vm(vm).counters;
    c.diskWrites += requests;
    c.time += this.#diskTime(this.costs.diskWrite, blocks, requests);
  }

  /** `requests` latencies, and the transfer of each block they stand for after each request's first. */
  #diskTime(latency: SimTime, blocks: number, requests: number): SimTime {
    return requests * latency + (blocks * this.#s.scale - requests) * this.costs.diskTransfer;
  }

  // ---- guest accesses ----------------------------------------------------------------------------------

  read(vm: VmId, ppn: Ppn): ContentId {
    const m = this.#guest(vm);
    checkPpn(m, ppn);
    const c = m.counters;
    c.accesses++;
    c.time += this.costs.access;
    if ((m.flags[ppn]! & this.#readMask()) === 0) return this.frames.content[m.loc[ppn]!]!;
    return slowAccess(this.#s, m, ppn, false, 0, false);
  }

  write(vm: VmId, ppn: Ppn, content: ContentId): void {
    const m = this.#guest(vm);
    checkPpn(m, ppn);
    checkContent(content);
    const c = m.counters;
    c.accesses++;
    c.writes++;
    c.time += this.costs.access;
    if (m.flags[ppn] === 0) this.frames.content[m.loc[ppn]!] = content;
    else slowAccess(this.#s, m, ppn, true, content, false);
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
        if (resolve(this.#s, m, ppn, ops[from] !== ppn, contents[from]!, true) === FAULTED) faulted = ppn;
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
        if (slowAccess(this.#s, m, ppn, write, contents[stop]!, true) === FAULTED) faulted = ppn;
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

  deviceRead(vm: VmId, ppn: Ppn): ContentId {
    const m = this.#guest(vm);
    checkPpn(m, ppn);
    if ((m.flags[ppn]! & Flag.NotPresent) === 0) return this.frames.content[m.loc[ppn]!]!;
    return resolve(this.#s, m, ppn, false, 0, false);
  }

  deviceWrite(vm: VmId, ppn: Ppn, content: ContentId): void {
    const m = this.#guest(vm);
    checkPpn(m, ppn);
    checkContent(content);
    if ((m.flags[ppn]! & (Flag.NotPresent | Flag.WriteProtect)) === 0)
      this.frames.content[m.loc[ppn]!] = content;
    else resolve(this.#s, m, ppn, true, content, false);
  }

  /** The VM a guest access is made by; none may be made while the reclaimer runs (FrameReclaimer). */
  #guest(vm: VmId): VmMemory {
    if (this.#s.reclaiming) throw new ReclaimerAccessError(vm);
    return this.#s.vm(vm);
  }

  /** Flag bits that send a read to the hypervisor: not present, or armed by an access-mode trap channel. */
  #readMask(): number {
    return Flag.NotPresent | this.traps.accessBits;
  }

  // ---- remap operations --------------------------------------------------------------------------------

  share(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain = 0): Mpn {
    return share(this.#s, vm, ppn, ontoVm, ontoPpn, domain);
  }
  fillShared(vm: VmId, ppn: Ppn, ontoVm: VmId, ontoPpn: Ppn, domain = 0): Mpn {
    return fillShared(this.#s, vm, ppn, ontoVm, ontoPpn, domain);
  }
  shareWithFrame(vm: VmId, ppn: Ppn, mpn: Mpn): void {
    shareWithFrame(this.#s, vm, ppn, mpn);
  }
  breakShare(vm: VmId, ppn: Ppn): Mpn {
    return breakShare(this.#s, vm, ppn);
  }
  balloon(vm: VmId, ppn: Ppn): void {
    balloon(this.#s, vm, ppn);
  }
  unballoon(vm: VmId, ppn: Ppn): void {
    unballoon(this.#s, vm, ppn);
  }
  swapOut(vm: VmId, ppn: Ppn): SwapSlot {
    return swapOut(this.#s, vm, ppn);
  }
  swapIn(vm: VmId, ppn: Ppn): Mpn {
    return swapIn(this.#s, vm, ppn);
  }
  compress(vm: VmId, ppn: Ppn, compressedBytes: number): void {
    compress(this.#s, vm, ppn, compressedBytes);
  }
  rejectCompression(vm: VmId, ppn: Ppn): void {
    rejectCompression(this.#s, vm, ppn);
  }
  swapOutCompressed(vm: VmId, ppn: Ppn): SwapSlot {
    return swapOutCompressed(this.#s, vm, ppn);
  }
  decompress(vm: VmId, ppn: Ppn): Mpn {
    return decompress(this.#s, vm, ppn);
  }
  discard(vm: VmId, ppn: Ppn): void {
    discard(this.#s, vm, ppn);
  }
  drop(vm: VmId, ppn: Ppn): void {
    drop(this.#s, vm, ppn);
  }
  evict(vm: VmId, ppn: Ppn): Eviction {
    return evict(this.#s, vm, ppn);
  }
  setPageUsage(vm: VmId, ppn: Ppn, usage: GuestPageUsage): GuestPageUsage {
    return setPageUsage(this.#s, vm, ppn, usage);
  }
  makeStableIfNotDiscarded(vm: VmId, ppn: Ppn): boolean {
    return makeStableIfNotDiscarded(this.#s, vm, ppn);
  }
}

/** Creates a host's machine. */
export const createMachine = (options: MachineOptions): Machine => new Machine(options);
