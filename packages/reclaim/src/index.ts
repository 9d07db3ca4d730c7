/**
 * @hvsim/reclaim — taking memory back from VMs: the ESX free-memory states, the reclamation policy that
 * follows them, ballooning and host paging.
 */
export { BalloonMechanism, type BalloonOptions, balloon, balloonOptions } from './balloon';
export {
  EsxReclamation,
  type EsxReclamationOptions,
  esxReclamation,
  esxReclamationOptions,
} from './esx-policy';
export {
  checkThresholds,
  ESX_THRESHOLDS,
  FREE_MEMORY_STATES,
  type FreeMemoryState,
  nextState,
  type StateThresholds,
} from './free-memory-states';
export { HostSwap, type HostSwapOptions, hostSwap, hostSwapOptions } from './host-swap';
export {
  type BalanceProblem,
  type BalanceVm,
  exactBalance,
  greedyBalance,
  totalMisses,
} from './meb-solver';
export { randomPrivatePage } from './random-victim';

import { balloon } from './balloon';
import { esxReclamation } from './esx-policy';
import { hostSwap } from './host-swap';

/** The reclamation policies and mechanisms of this package, for a registry. */
export const reclamationDefinitions = [esxReclamation, balloon, hostSwap] as const;
