import {
  type DemandDetector,
  type DemandEstimate,
  type DetectorAttachment,
  defineDetector,
  HvsimError,
  type Ppn,
  periodOption,
  type SimTime,
  scaleOf,
  scalePages,
  type TrapChannel,
} from '@hvsim/spec';
import { z } from 'zod';
import { StackDistanceHistogram } from './mrc/histogram';
import { StackDistances } from './mrc/stack-distances';

export const lruStatisticsOptions = z.object({
  hotPages: z
    .number()
    .int()
    .min(0)
    .default(1024)
    .describe('pages left untraced after their last trapped access, the hot set H (default 1024)'),
  groupPages: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      'LRU positions counted as one group, G: distances recorded in whole groups (at most G − 1 pages too far), a histogram G times smaller (default 1)',
    ),
  period: periodOption('the histogram halves every period, so old phases fade', { default: '30s' }),
  slack: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.05)
    .describe(
      'the working set misses at most this share of references more than unlimited memory (default 0.05)',
    ),
});

export type LruStatisticsOptions = z.output<typeof lruStatisticsOptions>;

/**
 * MEB's LRU-based statistics (Zhao and Wang, VEE 2009; reference cmm-satori-meb §3.2): every page starts
 * cold, its access trapped; a trapped access records the page's LRU stack distance (an order-statistic
 * structure, O(log n)) and makes it hot, and when more than H pages are hot the one made hot longest ago
 * turns cold again. Hot accesses cost nothing and are not seen.
 *
 * What the hot set costs in accuracy: the hypervisor cannot order hot pages by their (unseen) accesses, so
 * they leave the hot set in the order they entered it, not in LRU order. A recorded distance is then within
 * H − 1 pages of the true one, and an untraced access is within 2H − 1, so at every size m ≥ H the predicted
 * misses lie between the exact misses at m + H − 1 and at m − H + 1 (the reference's "exact for m ≥ H"
 * would need an LRU-ordered hot set, which needs the hot accesses). With H = 0 the curve is exact.
 *
 * Page groups of G consecutive LRU positions (VEE'09's coarsened list) record a distance as its group's
 * far end: never less than the true distance, at most G − 1 more, in a histogram of one bucket per group.
 *
 * Swap monitoring (§3.2e): the guest's swap I/O is seen at its virtual disk. Pages it writes out queue up
 * past the end of memory, most recent first; one read back from position j (0-based) of that queue is a
 * reference at distance alloc + j + 1, so the curve extends beyond the memory the VM has.
 *
 * Hot accesses are not seen one by one, but the VM's access counter says how many there were: each is counted
 * as a hit at distance H (every page touched since a hot page's trap is hot too, so its true distance is at
 * most H). Without them a phase that fits in the hot set would record nothing, and the histogram — which
 * only halves — would keep reporting the phase before it.
 *
 * Two predictors make the working set: a VM that read from its swap in this period or the last needs more
 * than its allocation — enough that all but `slack` of its misses at the allocation hit; otherwise the
 * working set is the smallest memory whose misses exceed those of unlimited memory by at most `slack` of
 * the references. The histogram halves every period so old phases fade.
 */
export class LruStatistics implements DemandDetector {
  readonly contract = 'detector@1';
  readonly name = 'lru-statistics';
  readonly options: LruStatisticsOptions;
  #attachment: DetectorAttachment | undefined;
  #channel: TrapChannel = -1;
  #pages = 0;
  /** Recency of the pages in memory, by ppn. */
  #stack = new StackDistances();
  /** Recency of the guest's swap slots written and not read back, most recently written first. */
  #swapped = new StackDistances();
  /** Distances in steps of G pages. */
  readonly histogram: StackDistanceHistogram;
  /** The hot pages as a ring, in the order they were trapped. */
  #hot: Int32Array = new Int32Array(0);
  #hotStart = 0;
  #hotCount = 0;
  #nextDecay: SimTime = 0;
  #traps = 0;
  /** The VM's access count and our traps when the hot accesses were last counted in. */
  #accessesSeen = 0;
  #trapsSeen = 0;
  /** Accesses recorded before they were made: a guest swap-in stands for the access that needed it. */
  #recordedAhead = 0;
  /** Guest swap-ins in the current period and in the one before. */
  #swapIns = 0;
  #swapInsBefore = 0;

  constructor(options: LruStatisticsOptions) {
    this.options = options;
    this.histogram = new StackDistanceHistogram(1 / options.groupPages);
  }

  /** Trapped (traced) accesses since attach: the overhead. */
  get traps(): number {
    return this.#traps;
  }

  /** Pages whose trap was armed since attach (every page at first, then each page turning cold). */
  get checks(): number {
    return this.#pages + this.#traps;
  }

  /** The working set in pages, not capped at the VM's size: a paging VM may need more than it was given. */
  get workingSet(): number {
    if (this.#attachment) this.#countHotAccesses();
    const h = this.histogram;
    if (h.total === 0) return 0;
    const alloc = this.#allocation();
    const paging = this.#swapIns + this.#swapInsBefore > 0;
    return paging
      ? Math.max(alloc + 1, this.#covering(this.#missesAbove(alloc), alloc))
      : this.#covering(h.total, 0);
  }

  attach(attachment: DetectorAttachment): void {
    if (this.#attachment)
      throw new HvsimError('already-attached', 'the lru-statistics detector is already attached');
    const { vm, machine, traps } = attachment;
    this.#attachment = attachment;
    this.#pages = machine.pageCount(vm);
    this.#hot = new Int32Array(this.options.hotPages + 1);
    this.#channel = traps.register('lru-statistics', (_vm, ppn) => this.#trapped(ppn));
    for (let ppn = 0; ppn < this.#pages; ppn++) traps.arm(this.#channel, vm, ppn);
    this.#nextDecay = machine.vmTime(vm) + this.options.period;
    this.#accessesSeen = machine.counters(vm).accesses;
    this.#trapsSeen = 0;
  }

  tick(vmTime: SimTime): void {
    if (this.#attachment) this.#countHotAccesses();
    while (this.#attachment && vmTime >= this.#nextDecay) {
      this.histogram.scale(0.5);
      this.#swapInsBefore = this.#swapIns;
      this.#swapIns = 0;
      this.#nextDecay += this.options.period;
    }
  }

  estimate(): DemandEstimate {
    if (this.#attachment) this.#countHotAccesses();
    if (this.histogram.total === 0) return { activePages: 0 };
    return {
      activePages: Math.min(this.#pages, this.workingSet),
      missRatioCurve: this.histogram.curve(),
    };
  }

  onGuestSwapOut(_ppn: Ppn, slot: number): void {
    if (this.#attachment) this.#swapped.access(slot);
  }

  onGuestSwapIn(ppn: Ppn, slot: number): void {
    if (!this.#attachment) return;
    this.#swapIns++;
    const position = this.#swapped.access(slot); // 1-based: the queue's front is at distance 1
    this.#swapped.remove(slot);
    // A slot never seen written (written before attach) is somewhere past the queue's end.
    const queued = position === Number.POSITIVE_INFINITY ? this.#swapped.distinct + 1 : position;
    this.#record(this.#allocation() + queued);
    this.#recordedAhead++;
    // The read fills the page: that is its traced access, so the write that follows does not trap.
    const { vm, traps } = this.#attachment;
    if (traps.isArmed(this.#channel, vm, ppn)) {
      traps.disarm(this.#channel, vm, ppn);
      this.#stack.access(ppn);
      this.#makeHot(ppn);
    }
  }

  detach(): void {
    if (!this.#attachment) return;
    this.#attachment.traps.unregister(this.#channel);
    this.#attachment = undefined;
  }

  #trapped(ppn: Ppn): void {
    this.#traps++;
    this.#record(this.#stack.access(ppn));
    this.#makeHot(ppn);
  }

  /** Counts the accesses since the last look that trapped nothing as hits at the hot set's edge. */
  #countHotAccesses(): void {
    const { vm, machine } = this.#attachment!;
    const accesses = machine.counters(vm).accesses;
    const untraced = accesses - this.#accessesSeen - (this.#traps - this.#trapsSeen) - this.#recordedAhead;
    this.#accessesSeen = accesses;
    this.#trapsSeen = this.#traps;
    this.#recordedAhead = 0;
    if (untraced > 0) this.#record(Math.max(1, this.options.hotPages), untraced);
  }

  #record(distance: number, weight = 1): void {
    this.histogram.add(
      distance === Number.POSITIVE_INFINITY ? distance : Math.ceil(distance / this.options.groupPages),
      weight,
    );
  }

  #makeHot(ppn: Ppn): void {
    const ring = this.#hot;
    ring[(this.#hotStart + this.#hotCount++) % ring.length] = ppn;
    if (this.#hotCount > this.options.hotPages) {
      const coldAgain = ring[this.#hotStart]!;
      this.#hotStart = (this.#hotStart + 1) % ring.length;
      this.#hotCount--;
      const { vm, traps } = this.#attachment!;
      traps.arm(this.#channel, vm, coldAgain);
    }
  }

  /** The memory the guest has: its pages less those in its balloon. */
  #allocation(): number {
    const { vm, machine } = this.#attachment!;
    return this.#pages - machine.pagePartition(vm).ballooned;
  }

  /** Weight of the references that miss in `pages` of memory, cold misses excluded. */
  #missesAbove(pages: number): number {
    const h = this.histogram;
    let beyond = 0;
    for (let step = Math.ceil(h.maxDistance); step > Math.floor(pages / this.options.groupPages); step--) {
      beyond += h.weightAt(step);
    }
    return beyond;
  }

  /**
   * The smallest memory above `floor` pages, in whole groups, whose misses beyond the cold ones are at most
   * `slack` of `of`: walking down from the largest distance, the first group at which they would exceed it.
   */
  #covering(of: number, floor: number): number {
    const h = this.histogram;
    const g = this.options.groupPages;
    const allowed = this.options.slack * of;
    let beyond = 0;
    for (let step = Math.ceil(h.maxDistance); step * g > floor; step--) {
      beyond += h.weightAt(step);
      if (beyond > allowed) return step * g;
    }
    return floor;
  }
}

export const lruStatistics = defineDetector({
  name: 'lru-statistics',
  description:
    'MEB LRU statistics: cold pages trapped, stack distances of traced accesses, miss-ratio curve, WSS',
  options: lruStatisticsOptions,
  // H and G are counts of pages: a miniature's hot set and groups are R times smaller, each page standing for R.
  create: (options, context) => {
    const scale = scaleOf(context);
    return new LruStatistics({
      ...options,
      hotPages: scalePages(options.hotPages, scale),
      groupPages: scalePages(options.groupPages, scale),
    });
  },
});
