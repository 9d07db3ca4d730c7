import {
  type EventSink,
  FrameState,
  MAX_SCALE,
  type Mpn,
  type Pages,
  type SimTime,
  type VmId,
} from '@hvsim/spec';
import { wholeNumber } from './checks';
import { CompressionCache } from './compression-cache';
import type { ContentStore } from './content-store';
import { type CostModel, miniatureCosts, resolveCosts } from './costs';
import { OutOfRangeError } from './errors';
import type { FrameReclaimer } from './frame-reclaimer';
import { FrameTable } from './frame-table';
import { SharedIndex } from './shared-index';
import { SwapDevice } from './swap-device';
import { TrapChannels } from './trap-channels';
import type { VmMemory } from './vm-memory';

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

/**
 * Everything one machine holds. The transition modules (sharing, copy-on-write, host swap, compression,
 * balloon, CMM2) are plain functions over it; only `Machine` holds one and calls them, so its operations stay
 * the one way to change it.
 */
export class MachineState {
  readonly costs: CostModel;
  readonly contentStore: ContentStore | undefined;
  readonly traps: TrapChannels;
  readonly zeroFrame: Mpn;
  readonly frames: FrameTable;
  readonly swap: SwapDevice;
  readonly compression = new CompressionCache();
  readonly vms: (VmMemory | undefined)[] = [];
  /** Shared frames by (sharing domain, contents) (see `share`); the zero frame is domain 0's. */
  readonly sharedIndex = new SharedIndex();
  /** Each shared frame's domain. */
  readonly frameDomain: Uint32Array;
  readonly emit: EventSink | undefined;
  /** Runs the frame reclaimer on the machine, if it has one. */
  readonly reclaim: (() => void) | undefined;
  /** True while the reclaimer runs: no guest access may be made then (FrameReclaimer's rule). */
  reclaiming = false;
  readonly reserved: Pages;
  /** `costs.essa`, read on every hint. */
  readonly essaCost: SimTime;
  /** The miniature's scale: each disk block a guest moves stands for this many. */
  readonly scale: number;
  now: SimTime = 0;

  /** `reclaim`: the machine's frame reclaimer bound to the machine (the reclaimer is handed the facade). */
  constructor(options: MachineOptions, reclaim: (() => void) | undefined) {
    const frames = wholeNumber('frames', options.frames, 2, 2 ** 32 - 2);
    this.reserved = wholeNumber('reservedFrames', options.reservedFrames ?? 0, 0, frames - 2);
    const slots = wholeNumber('swapSlots', options.swapSlots ?? 0, 0, 2 ** 32 - 2);
    const limit = wholeNumber('refCountLimit', options.refCountLimit ?? 0xffff, 2, 0xffff);
    this.scale = wholeNumber('scale', options.scale ?? 1, 1, MAX_SCALE);
    this.costs = miniatureCosts(resolveCosts(options.costs), this.scale);
    this.essaCost = this.costs.essa;
    this.contentStore = options.contentStore;
    this.emit = options.emit;
    this.reclaim = reclaim;
    this.frames = new FrameTable(frames, limit);
    this.frameDomain = new Uint32Array(frames);
    this.swap = new SwapDevice(slots);
    for (let i = 0; i < this.reserved; i++) this.frames.allocate(FrameState.Reserved, 0);
    this.zeroFrame = this.frames.allocate(FrameState.Shared, 0) as Mpn;
    this.sharedIndex.set(0, 0, this.zeroFrame);
    this.traps = new TrapChannels(
      (id) => this.vm(id),
      () => this.live(),
    );
  }

  vm(vm: VmId): VmMemory {
    const m = this.vms[vm];
    if (m === undefined) throw new OutOfRangeError('vm', vm, 'the id of a powered-on VM');
    return m;
  }

  *live(): Generator<VmMemory> {
    for (const m of this.vms) if (m !== undefined) yield m;
  }
}
