import { InvalidInputError } from '@hvsim/spec';

/**
 * ESX's smoothing of sampled activity (Waldspurger, OSDI 2002, §5.3, after Kim and Noble): a slow and a fast
 * exponentially weighted moving average of the active fraction f of each period, and the fast average
 * updated with the current, unfinished period's touches so far. The estimate is the largest of the three, so
 * a rise is followed within a period and a fall only at the slow average's pace.
 */
export class ActivityEstimator {
  readonly slowGain: number;
  readonly fastGain: number;
  #slow = 0;
  #fast = 0;

  constructor(slowGain: number, fastGain: number) {
    for (const [field, gain] of [
      ['slowGain', slowGain],
      ['fastGain', fastGain],
    ] as const) {
      if (!(gain > 0 && gain <= 1))
        throw new InvalidInputError(field, `expected a gain in (0, 1], got ${gain}`);
    }
    this.slowGain = slowGain;
    this.fastGain = fastGain;
  }

  get slow(): number {
    return this.#slow;
  }

  get fast(): number {
    return this.#fast;
  }

  /** Folds a finished period's active fraction into both averages. */
  endPeriod(fraction: number): void {
    checkFraction(fraction);
    this.#slow += this.slowGain * (fraction - this.#slow);
    this.#fast += this.fastGain * (fraction - this.#fast);
  }

  /** The fast average as if the period ended now with `fractionSoFar` of its samples touched. */
  fastWithCurrent(fractionSoFar: number): number {
    checkFraction(fractionSoFar);
    return this.#fast + this.fastGain * (fractionSoFar - this.#fast);
  }

  /** The active fraction estimated now: the largest of the slow, the fast and the current fast average. */
  estimate(fractionSoFar: number): number {
    return Math.max(this.#slow, this.#fast, this.fastWithCurrent(fractionSoFar));
  }
}

function checkFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new InvalidInputError('fraction', `expected an active fraction in [0, 1], got ${fraction}`);
  }
}
