import {
  type DemandDetector,
  type DemandEstimate,
  type DetectorAttachment,
  defineDetector,
  HvsimError,
  type Ppn,
  periodOption,
  type RandomStream,
  type SimTime,
  type TrapChannel,
} from '@hvsim/spec';
import { z } from 'zod';
import { ActivityEstimator } from './estimator';

export const samplingOptions = z.object({
  samples: z
    .number()
    .int()
    .positive()
    .default(100)
    .describe('pages sampled per period, n: at most n trapped accesses per period (default 100)'),
  period: periodOption("sampling period, in the VM's own execution time", { default: '30s' }),
  slowGain: z
    .number()
    .gt(0)
    .max(1)
    .default(0.25)
    .describe('gain of the slow moving average per period (default 0.25, fitted to ESX Figure 6)'),
  fastGain: z
    .number()
    .gt(0)
    .max(1)
    .default(0.7)
    .describe('gain of the fast moving average per period (default 0.7, fitted to ESX Figure 6)'),
});

export type SamplingOptions = z.output<typeof samplingOptions>;

/**
 * ESX's statistical sampling (Waldspurger, OSDI 2002, §5.3): at the start of each period of the VM's execution
 * time, n guest-physical pages chosen uniformly at random have their mappings invalidated (a one-shot trap
 * each); the next access to a sampled page is intercepted and counted, so f = touched / n estimates the
 * fraction of memory in active use, with a binomial spread of at most 5 points at n = 100. Unbacked and
 * ballooned pages count as touched only if the guest touches them.
 */
export class SamplingDetector implements DemandDetector {
  readonly contract = 'detector@1';
  readonly name = 'sampling';
  readonly options: SamplingOptions;
  readonly estimator: ActivityEstimator;
  readonly #random: RandomStream;
  #attachment: DetectorAttachment | undefined;
  #channel: TrapChannel = -1;
  #pages = 0;
  /** This period's sampled pages, and how many of them were touched so far. */
  #sample: Int32Array = new Int32Array(0);
  #touched = 0;
  #periodStart: SimTime = 0;
  #traps = 0;
  #armed = 0;
  #periods = 0;

  constructor(options: SamplingOptions, random: RandomStream) {
    this.options = options;
    this.estimator = new ActivityEstimator(options.slowGain, options.fastGain);
    this.#random = random;
  }

  /** Trapped accesses since attach (at most n per period): the detector's overhead. */
  get traps(): number {
    return this.#traps + this.#touched;
  }

  /** Pages armed since attach: n per period. */
  get checks(): number {
    return this.#armed;
  }

  /** Periods completed since attach. */
  get periods(): number {
    return this.#periods;
  }

  /** Fraction of this period's samples touched so far. */
  get fractionSoFar(): number {
    return this.#sample.length === 0 ? 0 : this.#touched / this.#sample.length;
  }

  attach(attachment: DetectorAttachment): void {
    if (this.#attachment)
      throw new HvsimError('already-attached', 'the sampling detector is already attached');
    const { vm, machine, traps } = attachment;
    this.#attachment = attachment;
    this.#pages = machine.pageCount(vm);
    this.#channel = traps.register('sampling', () => this.#touched++, 'access');
    this.#startPeriod(machine.vmTime(vm));
  }

  tick(vmTime: SimTime): void {
    if (!this.#attachment) return;
    const period = this.options.period;
    while (vmTime >= this.#periodStart + period) {
      this.#endPeriod();
      this.#startPeriod(this.#periodStart + period);
    }
  }

  estimate(): DemandEstimate {
    return { activePages: Math.round(this.estimator.estimate(this.fractionSoFar) * this.#pages) };
  }

  detach(): void {
    const attachment = this.#attachment;
    if (!attachment) return;
    this.#disarmSample();
    attachment.traps.unregister(this.#channel);
    this.#attachment = undefined;
  }

  #startPeriod(start: SimTime): void {
    const { vm, traps } = this.#attachment!;
    this.#periodStart = start;
    this.#sample = this.#pickPages(Math.min(this.options.samples, this.#pages));
    this.#touched = 0;
    for (const ppn of this.#sample) traps.arm(this.#channel, vm, ppn);
    this.#armed += this.#sample.length;
  }

  #endPeriod(): void {
    this.#traps += this.#touched;
    this.#periods++;
    this.estimator.endPeriod(this.fractionSoFar);
    this.#disarmSample();
  }

  #disarmSample(): void {
    const { vm, traps } = this.#attachment!;
    for (const ppn of this.#sample)
      if (traps.isArmed(this.#channel, vm, ppn)) traps.disarm(this.#channel, vm, ppn);
  }

  /** `count` distinct pages, uniformly at random. */
  #pickPages(count: number): Int32Array {
    const picked = new Set<Ppn>();
    while (picked.size < count) picked.add(this.#random.nextInt(this.#pages));
    return Int32Array.from(picked);
  }
}

export const sampling = defineDetector({
  name: 'sampling',
  description: 'ESX statistical sampling: n random pages trapped per period, slow and fast moving averages',
  options: samplingOptions,
  // n stays in a miniature: the estimate is the fraction of n touched times the VM, and a uniform sample of
  // the miniature's pages estimates the same fraction (statistically); the traps per period stay n.
  create: (options, context) => new SamplingDetector(options, context.random.split('sampling')),
});
