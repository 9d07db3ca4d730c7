import { type OpBatch, OpKind, type RandomStream, type SimTime } from '@hvsim/spec';
import type { ContentModel } from '../content/content-model';

/**
 * Background activity of a guest (daemons, timers, the OS's own housekeeping): touches of a small set of
 * pages arriving as a Poisson process of `rate` per simulated second, each on a uniformly random page. A
 * miniature at scale R keeps every R-th touch of that process (each gap the sum of R exponential ones): the
 * same thinning to 1/R as a Poisson process of rate/R, but counted back by R its number of touches varies no
 * more than the full-size process's, where a rate/R process would vary √R times more.
 */
export class BackgroundTouches {
  /** Time of the next touch; Infinity when there is no background. */
  next: SimTime = Number.NaN;
  readonly #base: number;
  readonly #pages: number;
  readonly #meanGap: SimTime;
  /** Touches of the full-size process each kept one stands for (the scale). */
  readonly #every: number;
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
    every = 1,
  ) {
    this.#every = every;
    this.#base = base;
    this.#pages = pages;
    this.#meanGap = pages > 0 && rate > 0 ? 1e9 / rate : Number.POSITIVE_INFINITY;
    this.#writeBelow = writeFraction * 2 ** 32;
    this.#model = model;
    this.#random = random;
  }

  /** Gap to the next kept touch, in ns: the sum of `touches` exponential gaps of the full process. */
  #gap(touches = this.#every): SimTime {
    if (this.#meanGap === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    let gap = 0;
    for (let k = 0; k < touches; k++) gap -= Math.log1p(-this.#random.nextFloat());
    return gap * this.#meanGap;
  }

  /**
   * Gap to the first kept touch: which of every `every` touches is kept starts at a random one, so the kept
   * touches are as many as the full process's over R on average from the start, not half a gap fewer.
   */
  #firstGap(): SimTime {
    return this.#every === 1 ? this.#gap() : this.#gap(1 + this.#random.nextInt(this.#every));
  }

  /** Writes the touches due by `now` from index `i`, as far as the batch holds; returns the next index. */
  writeDue(batch: OpBatch, i: number, now: SimTime): number {
    if (Number.isNaN(this.next)) this.next = now + this.#firstGap();
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
