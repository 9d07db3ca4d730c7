import { type OpBatch, OpKind, type RandomStream, type SimTime } from '@hvsim/spec';
import type { ContentModel } from '../content/content-model';

/**
 * Background activity of a guest (daemons, timers, the OS's own housekeeping): touches of a small set of
 * pages arriving as a Poisson process of `rate` per simulated second, each on a uniformly random page.
 */
export class BackgroundTouches {
  /** Time of the next touch; Infinity when there is no background. */
  next: SimTime = Number.NaN;
  readonly #base: number;
  readonly #pages: number;
  readonly #meanGap: SimTime;
  readonly #writeBelow: number;
  readonly #model: ContentModel;
  readonly #random: RandomStream;

  constructor(
    base: number,
    pages: number,
    rate: number,
    writeFraction: number,
    model: ContentModel,
    random: RandomStream,
  ) {
    this.#base = base;
    this.#pages = pages;
    this.#meanGap = pages > 0 && rate > 0 ? 1e9 / rate : Number.POSITIVE_INFINITY;
    this.#writeBelow = writeFraction * 2 ** 32;
    this.#model = model;
    this.#random = random;
  }

  /** Exponential gap between two touches, in ns. */
  #gap(): SimTime {
    return this.#meanGap === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : -Math.log1p(-this.#random.nextFloat()) * this.#meanGap;
  }

  /** Writes the touches due by `now` from index `i`, as far as the batch holds; returns the next index. */
  writeDue(batch: OpBatch, i: number, now: SimTime): number {
    if (Number.isNaN(this.next)) this.next = now + this.#gap();
    const { kind, target, content, capacity } = batch;
    while (this.next <= now && i < capacity) {
      const vpn = this.#base + this.#random.nextInt(this.#pages);
      target[i] = vpn;
      if (this.#random.nextU32() < this.#writeBelow) {
        kind[i] = OpKind.Write;
        content[i] = this.#model.contentFor(vpn);
      } else {
        kind[i] = OpKind.Read;
        content[i] = 0;
      }
      this.next += this.#gap();
      i++;
    }
    return i;
  }
}
