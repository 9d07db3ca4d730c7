import {
  type DemandDetector,
  type DemandEstimate,
  type DetectorAttachment,
  defineDetector,
  durationOption,
  HvsimError,
  type Ppn,
  type SimTime,
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
    .describe('consecutive pages tracked as one group, G: less bookkeeping, distances within ±G (default 1)'),
  period: durationOption('the histogram halves every period, so old phases fade', { default: '30s' }),
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
 * turns cold again. Hot accesses cost nothing and are not seen, so distances below H are not observed and
 * the order of the hot pages is the order they were trapped in: the curve is that of the traced references.
 * With H = 0 every access is traced and the curve is exact. Page groups of G pages share one entry (the
 * distance counts groups, times G). From the histogram come the miss-ratio curve and the working set: the
 * smallest memory whose misses exceed those of unlimited memory by at most `slack` of the references.
 */
export class LruStatistics implements DemandDetector {
  readonly contract = 'detector@1';
  readonly name = 'lru-statistics';
  readonly options: LruStatisticsOptions;
  #attachment: DetectorAttachment | undefined;
  #channel: TrapChannel = -1;
  #pages = 0;
  #stack = new StackDistances();
  readonly histogram = new StackDistanceHistogram();
  /** The hot pages as a ring, in the order they were trapped. */
  #hot: Int32Array = new Int32Array(0);
  #hotStart = 0;
  #hotCount = 0;
  #nextDecay: SimTime = 0;
  #traps = 0;

  constructor(options: LruStatisticsOptions) {
    this.options = options;
  }

  /** Trapped (traced) accesses since attach: the overhead. */
  get traps(): number {
    return this.#traps;
  }

  /** Pages whose trap was armed since attach (every page at first, then each page turning cold). */
  get checks(): number {
    return this.#pages + this.#traps;
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
  }

  tick(vmTime: SimTime): void {
    while (this.#attachment && vmTime >= this.#nextDecay) {
      this.histogram.scale(0.5);
      this.#nextDecay += this.options.period;
    }
  }

  estimate(): DemandEstimate {
    if (this.histogram.total === 0) return { activePages: 0 };
    return {
      activePages: Math.min(this.#pages, this.#workingSet()),
      missRatioCurve: this.histogram.curve(),
    };
  }

  detach(): void {
    if (!this.#attachment) return;
    this.#attachment.traps.unregister(this.#channel);
    this.#attachment = undefined;
  }

  #trapped(ppn: Ppn): void {
    const { vm, traps } = this.#attachment!;
    this.#traps++;
    const g = this.options.groupPages;
    const distance = this.#stack.access(Math.floor(ppn / g));
    this.histogram.add(distance === Number.POSITIVE_INFINITY ? distance : distance * g);
    const ring = this.#hot;
    ring[(this.#hotStart + this.#hotCount++) % ring.length] = ppn;
    if (this.#hotCount > this.options.hotPages) {
      const coldAgain = ring[this.#hotStart]!;
      this.#hotStart = (this.#hotStart + 1) % ring.length;
      this.#hotCount--;
      traps.arm(this.#channel, vm, coldAgain);
    }
  }

  /** The smallest memory, in pages, whose misses exceed the cold misses by at most `slack` of the references. */
  #workingSet(): number {
    const h = this.histogram;
    const allowed = this.options.slack * h.total;
    // Misses at size m beyond the cold ones: the weight of distances above m. Walk down from the largest.
    let beyond = 0;
    for (let d = Math.ceil(h.maxDistance); d >= 1; d--) {
      beyond += h.weightAt(d);
      if (beyond > allowed) return d;
    }
    return 0;
  }
}

export const lruStatistics = defineDetector({
  name: 'lru-statistics',
  description:
    'MEB LRU statistics: cold pages trapped, stack distances of traced accesses, miss-ratio curve, WSS',
  options: lruStatisticsOptions,
  create: (options) => new LruStatistics(options),
});
