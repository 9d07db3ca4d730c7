import { definer } from '../define';
import type { MissRatioCurve } from '../mrc';
import type { Pages, SimTime } from '../units';
import type { CreateContext } from './context';

/** What the allocation policy knows of one VM: its parameters and its activity. */
export interface AllocationVm {
  readonly min: Pages;
  readonly max: Pages;
  readonly shares: number;
  /** Estimated active pages (from a demand detector). */
  readonly activePages: Pages;
  /** Its miss-ratio curve, where its detector publishes one (MEB's balancer works from it). */
  readonly missRatioCurve?: MissRatioCurve;
  /** Pages it holds now. */
  readonly allocated: Pages;
}

export interface AllocationInput {
  /** Host time of the rebalance, for policies whose parameters change over a run. */
  readonly now: SimTime;
  /** Memory the targets may add up to. */
  readonly available: Pages;
  readonly vms: readonly AllocationVm[];
}

/**
 * Pure function from VM parameters and activity to a target per VM (same order as `input.vms`), with
 * min ≤ target ≤ max and the targets never adding up to more than is available.
 */
export interface AllocationPolicy {
  readonly contract: 'allocation-policy@1';
  readonly name: string;
  targets(input: AllocationInput): Float64Array;
}

export const defineAllocationPolicy = definer<'allocation-policy@1', CreateContext, AllocationPolicy>(
  'allocation-policy@1',
);
