/**
 * @hvsim/reclaim — taking memory back from VMs: the ESX free-memory states and the reclamation policy that
 * follows them.
 */
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

import { esxReclamation } from './esx-policy';

/** The reclamation policies of this package, for a registry. */
export const reclamationDefinitions = [esxReclamation] as const;
