import { InvalidInputError } from '@hvsim/spec';

/** ESX's free-memory states, from plenty to almost none. */
export const FREE_MEMORY_STATES = ['high', 'soft', 'hard', 'low'] as const;
export type FreeMemoryState = (typeof FREE_MEMORY_STATES)[number];

/**
 * Free memory, as a share of the host's, below which each state begins (ESX 2002, §6: 6 / 4 / 2 / 1%), and
 * how far above a threshold free memory must climb before the state above is restored. The paper says only
 * "significantly exceeds"; the default margin of 1% of memory is an assumption.
 */
export interface StateThresholds {
  readonly high: number;
  readonly soft: number;
  readonly hard: number;
  readonly low: number;
  readonly margin: number;
}

export const ESX_THRESHOLDS: StateThresholds = {
  high: 0.06,
  soft: 0.04,
  hard: 0.02,
  low: 0.01,
  margin: 0.01,
};

export function checkThresholds(t: StateThresholds): void {
  if (!(t.low > 0 && t.low < t.hard && t.hard < t.soft && t.soft < t.high && t.high < 1)) {
    throw new InvalidInputError(
      'thresholds',
      `expected 0 < low < hard < soft < high < 1, got ${t.low}, ${t.hard}, ${t.soft}, ${t.high}`,
    );
  }
  if (!(t.margin >= 0 && t.high + t.margin < 1)) {
    throw new InvalidInputError(
      'thresholds.margin',
      `expected a margin from 0 that keeps high + margin below 1, got ${t.margin}`,
    );
  }
}

/** Per state, in `FREE_MEMORY_STATES` order, the free share below which it begins. */
const levels = (t: StateThresholds) => [t.high, t.soft, t.hard, t.low];

/**
 * The state after `previous` with `free` (a share of host memory) free: down to the lowest state whose
 * threshold free memory is below, at once; up one state at a time, each only once free memory exceeds the
 * threshold above by the margin. Between the two it stays put (hysteresis), so at constant free memory the
 * state settles in one step and never oscillates.
 */
export function nextState(
  previous: FreeMemoryState,
  free: number,
  t: StateThresholds = ESX_THRESHOLDS,
): FreeMemoryState {
  if (!(free >= 0 && free <= 1))
    throw new InvalidInputError('free', `expected a share of memory in [0, 1], got ${free}`);
  const below = levels(t);
  let i = FREE_MEMORY_STATES.indexOf(previous);
  while (i + 1 < below.length && free < below[i + 1]!) i++; // down, as far as free memory has fallen
  while (i > 0 && free > below[i - 1]! + t.margin) i--; // up, past each threshold by the margin
  return FREE_MEMORY_STATES[i]!;
}
