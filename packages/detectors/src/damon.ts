import {
  type DemandDetector,
  type DemandEstimate,
  type DetectorAttachment,
  defineDetector,
  HvsimError,
  periodOption,
  type RandomStream,
  type SimTime,
  type TrapChannel,
} from '@hvsim/spec';
import { z } from 'zod';

export const damonOptions = z
  .object({
    samplingInterval: periodOption("time between access checks, in the VM's execution time", {
      default: '250ms',
    }),
    aggregationInterval: periodOption(
      'time over which checks are counted before regions are merged and split',
      {
        default: '5s',
      },
    ),
    minRegions: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('fewest regions the VM is split into (default 10)'),
    maxRegions: z
      .number()
      .int()
      .min(2)
      .default(1000)
      .describe(
        'most regions, so most access checks per sampling interval: the bound on overhead (default 1000)',
      ),
    mergeThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe(
        'neighbours whose access counts differ by at most this share of the checks merge (default 0.1)',
      ),
  })
  .refine((o) => o.minRegions <= o.maxRegions / 2, {
    message: 'expected minRegions at most half of maxRegions, so regions can split',
    path: ['minRegions'],
  });

export type DamonOptions = z.output<typeof damonOptions>;

/**
 * A DAMON-style monitor (Linux's Data Access MONitor): the VM's memory is divided into regions, and every
 * sampling interval one random page of each region has its access bit checked, so a region's count of
 * accessed checks over an aggregation interval measures how hot it is. After each aggregation, neighbours
 * with similar counts merge and every region splits in two at a random point while there is room, so regions
 * follow the hot and cold parts of memory. The overhead is at most `maxRegions` checks per sampling
 * interval, whatever the VM's size. The estimate is the size of the regions seen accessed in the last
 * aggregation.
 */
export class DamonMonitor implements DemandDetector {
  readonly contract = 'detector@1';
  readonly name = 'damon';
  readonly options: DamonOptions;
  readonly #random: RandomStream;
  #attachment: DetectorAttachment | undefined;
  #channel: TrapChannel = -1;
  #pages = 0;
  /** Regions in address order: first page, end (exclusive), accessed checks, and the page checked now. */
  #start: Int32Array = new Int32Array(0);
  #end: Int32Array = new Int32Array(0);
  #accesses: Int32Array = new Int32Array(0);
  #sample: Int32Array = new Int32Array(0);
  #regions = 0;
  #nextSample: SimTime = 0;
  #nextAggregation: SimTime = 0;
  #samplesPerAggregation = 0;
  #estimate = 0;
  #checks = 0;

  constructor(options: DamonOptions, random: RandomStream) {
    if (!(options.samplingInterval > 0) || options.aggregationInterval < options.samplingInterval) {
      throw new HvsimError(
        'invalid-options',
        'expected a sampling interval above 0 and no longer than the aggregation interval',
        'samplingInterval',
      );
    }
    this.options = options;
    this.#random = random;
  }

  /** Regions now. */
  get regions(): number {
    return this.#regions;
  }

  /** Access checks made since attach: the overhead, at most maxRegions per sampling interval. */
  get checks(): number {
    return this.#checks;
  }

  /** The regions as [first page, end) pairs, in address order (for tests and charts). */
  regionBounds(): [number, number][] {
    return Array.from({ length: this.#regions }, (_, r) => [this.#start[r]!, this.#end[r]!]);
  }

  attach(attachment: DetectorAttachment): void {
    if (this.#attachment) throw new HvsimError('already-attached', 'the damon detector is already attached');
    const { vm, machine, traps } = attachment;
    this.#attachment = attachment;
    this.#pages = machine.pageCount(vm);
    const max = this.options.maxRegions;
    this.#start = new Int32Array(max);
    this.#end = new Int32Array(max);
    this.#accesses = new Int32Array(max);
    this.#sample = new Int32Array(max);
    this.#channel = traps.register('damon', () => {});
    const count = Math.min(this.options.minRegions, this.#pages);
    for (let r = 0; r < count; r++) {
      this.#start[r] = Math.floor((r * this.#pages) / count);
      this.#end[r] = Math.floor(((r + 1) * this.#pages) / count);
    }
    this.#regions = count;
    this.#samplesPerAggregation = Math.max(
      1,
      Math.floor(this.options.aggregationInterval / this.options.samplingInterval),
    );
    const now = machine.vmTime(vm);
    this.#nextSample = now + this.options.samplingInterval;
    this.#nextAggregation = now + this.options.aggregationInterval;
    for (let r = 0; r < count; r++) this.#pickSample(r);
  }

  tick(vmTime: SimTime): void {
    if (!this.#attachment) return;
    while (vmTime >= this.#nextSample) {
      this.#check();
      this.#nextSample += this.options.samplingInterval;
      if (this.#nextSample > this.#nextAggregation) {
        this.#aggregate();
        this.#nextAggregation += this.options.aggregationInterval;
      }
    }
  }

  estimate(): DemandEstimate {
    return { activePages: this.#estimate };
  }

  detach(): void {
    const attachment = this.#attachment;
    if (!attachment) return;
    attachment.traps.unregister(this.#channel);
    this.#attachment = undefined;
  }

  /** One sampling interval: read each region's checked page (a fired trap is an access), pick the next. */
  #check(): void {
    const { vm, traps } = this.#attachment!;
    for (let r = 0; r < this.#regions; r++) {
      if (!traps.isArmed(this.#channel, vm, this.#sample[r]!)) this.#accesses[r]!++;
      else traps.disarm(this.#channel, vm, this.#sample[r]!);
      this.#pickSample(r);
    }
    this.#checks += this.#regions;
  }

  #pickSample(r: number): void {
    const { vm, traps } = this.#attachment!;
    const start = this.#start[r]!;
    const page = start + this.#random.nextInt(this.#end[r]! - start);
    this.#sample[r] = page;
    traps.arm(this.#channel, vm, page);
  }

  /** End of an aggregation: the estimate, then merge similar neighbours and split while there is room. */
  #aggregate(): void {
    let active = 0;
    for (let r = 0; r < this.#regions; r++)
      if (this.#accesses[r]! > 0) active += this.#end[r]! - this.#start[r]!;
    this.#estimate = active;
    this.#merge();
    this.#split();
    this.#accesses.fill(0, 0, this.#regions);
  }

  #merge(): void {
    const threshold = this.options.mergeThreshold * this.#samplesPerAggregation;
    // A merged region stays small enough that the VM keeps at least minRegions regions.
    const largest = Math.ceil(this.#pages / this.options.minRegions);
    const { vm, traps } = this.#attachment!;
    let kept = 0;
    for (let r = 0; r < this.#regions; r++) {
      const prev = kept - 1;
      const size = this.#end[r]! - this.#start[r]!;
      if (
        prev >= 0 &&
        Math.abs(this.#accesses[prev]! - this.#accesses[r]!) <= threshold &&
        this.#end[prev]! - this.#start[prev]! + size <= largest
      ) {
        const prevSize = this.#end[prev]! - this.#start[prev]!;
        // Size-weighted count, so a merged region's heat is that of the pages it holds.
        this.#accesses[prev] = Math.round(
          (this.#accesses[prev]! * prevSize + this.#accesses[r]! * size) / (prevSize + size),
        );
        this.#end[prev] = this.#end[r]!;
        if (traps.isArmed(this.#channel, vm, this.#sample[r]!))
          traps.disarm(this.#channel, vm, this.#sample[r]!);
        continue;
      }
      this.#start[kept] = this.#start[r]!;
      this.#end[kept] = this.#end[r]!;
      this.#accesses[kept] = this.#accesses[r]!;
      this.#sample[kept] = this.#sample[r]!;
      kept++;
    }
    this.#regions = kept;
  }

  /** Splits every region of two pages or more in two at a random point, when doubling fits in maxRegions. */
  #split(): void {
    if (2 * this.#regions > this.options.maxRegions) return;
    const old = {
      start: this.#start.slice(0, this.#regions),
      end: this.#end.slice(0, this.#regions),
      accesses: this.#accesses.slice(0, this.#regions),
      sample: this.#sample.slice(0, this.#regions),
    };
    let n = 0;
    for (let r = 0; r < old.start.length; r++) {
      const start = old.start[r]!;
      const end = old.end[r]!;
      const sample = old.sample[r]!;
      const cut = end - start >= 2 ? start + 1 + this.#random.nextInt(end - start - 1) : end;
      for (const [from, to] of [
        [start, cut],
        [cut, end],
      ] as const) {
        if (from === to) continue;
        this.#start[n] = from;
        this.#end[n] = to;
        this.#accesses[n] = old.accesses[r]!;
        // The page checked now stays with the half it falls in; the other half gets a page of its own.
        if (sample >= from && sample < to) this.#sample[n] = sample;
        else this.#pickSample(n);
        n++;
      }
    }
    this.#regions = n;
  }
}

export const damon = defineDetector({
  name: 'damon',
  description:
    'DAMON-style regions: one access check per region per interval, regions merged and split adaptively',
  options: damonOptions,
  // The region counts stay in a miniature: the VM is cut into as many regions as at full size, each of R times
  // fewer pages, so the estimate's resolution as a share of the VM holds (regions never outnumber the
  // miniature's pages). The checks, at most maxRegions per interval, are then a full-size count, not R times
  // fewer.
  create: (options, context) => new DamonMonitor(options, context.random.split('damon')),
});
