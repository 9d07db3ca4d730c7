import type {
  AllocationInput,
  AllocationPolicy,
  CreateContext,
  ReclamationMechanism,
  ReclamationPolicy,
  SharingEngine,
  SimTime,
} from '@hvsim/spec';
import type { Use } from './use';

/** The policy slots of a host; each left empty runs its null implementation. */
export interface HostPolicies {
  readonly allocation?: Use<'allocation-policy@1', CreateContext, AllocationPolicy>;
  readonly reclamation?: Use<'reclamation-policy@1', CreateContext, ReclamationPolicy>;
  readonly mechanisms?: readonly Use<'reclamation-mechanism@1', CreateContext, ReclamationMechanism>[];
  readonly sharing?: Use<'sharing-engine@1', CreateContext, SharingEngine>;
}

export interface HostPeriods {
  /** How often targets are recomputed and a reclamation plan applied (ESX: 15 s). */
  readonly rebalance: SimTime;
  /** How often the sharing engine scans. */
  readonly shareScan: SimTime;
  /** Pages the sharing engine may examine per scan. */
  readonly shareBudget: number;
}

export const DEFAULT_PERIODS: HostPeriods = { rebalance: 15e9, shareScan: 1e9, shareBudget: 200 };

/** Null allocation: every VM's target is its maximum — nobody is asked to give memory back. */
export const nullAllocation: AllocationPolicy = {
  contract: 'allocation-policy@1',
  name: 'none',
  targets: (input: AllocationInput) => Float64Array.from(input.vms, (vm) => vm.max),
};

/** Null reclamation: no plan, no VM blocked. */
export const nullReclamation: ReclamationPolicy = {
  contract: 'reclamation-policy@1',
  name: 'none',
  plan: () => ({ actions: [], blocked: [] }),
};
