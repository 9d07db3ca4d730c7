/**
 * @hvsim/reclaim — taking memory back from VMs: the ESX free-memory states, the reclamation policy that
 * follows them, ballooning, memory compression and host paging; enforcement to an allocation policy's
 * targets, as MEB enforces its balancer's (whose policy is in @hvsim/economics); z/VM's CMM1 (the VM Resource
 * Manager and its SHRINK requests).
 */
export { BalloonMechanism, type BalloonOptions, balloon, balloonOptions } from './balloon';
export { Cmm1Mechanism, type Cmm1Options, cmm1, cmm1Options } from './cmm1';
export { CompressedSizes } from './compressed-size';
export {
  CompressionMechanism,
  type CompressionOptions,
  compression,
  compressionOptions,
} from './compression';
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
export { randomPrivatePage } from './random-victim';
export { type ToTargetOptions, toTarget, toTargetOptions, toTargetPlan } from './to-target';
export { type VictimPolicy, Victims, victimPolicies, victimsOption } from './victims';
export { VmResourceManager, type VmrmOptions, vmrm, vmrmOptions } from './vmrm';

import { balloon } from './balloon';
import { cmm1 } from './cmm1';
import { compression } from './compression';
import { esxReclamation } from './esx-policy';
import { hostSwap } from './host-swap';
import { toTarget } from './to-target';
import { vmrm } from './vmrm';

/** The reclamation policies and mechanisms of this package, for a registry. */
export const reclamationDefinitions = [
  esxReclamation,
  toTarget,
  vmrm,
  balloon,
  compression,
  hostSwap,
  cmm1,
] as const;
