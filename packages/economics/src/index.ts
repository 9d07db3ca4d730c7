/**
 * @hvsim/economics — who gets how much memory: proportional shares, min-funding revocation (the incremental
 * loop and the closed-form water-fill), the idle memory tax, MEB's balancer by miss-ratio curves, page-share
 * accounting and admission control. Every allocation policy lives here. Pure functions over numbers of pages;
 * no machine types.
 */
export {
  type AdmissionLimits,
  type AdmissionRefusal,
  type AdmittedVm,
  admissionRefusal,
} from './admission';
export { type IdleTaxOptions, idleTax, idleTaxOptions, idleTaxTargets, problemOf } from './allocation';
export {
  checkTaxRate,
  DEFAULT_TAX_RATE,
  idleCostFactor,
  pageCost,
  pagesForCost,
  sharesPerPage,
  type TaxKind,
} from './idle-tax';
export { type MebOptions, mebBalancer, mebOptions, mebTargets } from './meb-balancer';
export {
  type BalanceProblem,
  type BalanceVm,
  exactBalance,
  greedyBalance,
  totalMisses,
} from './meb-solver';
export {
  type AllocationProblem,
  entitlements,
  revokeIncrementally,
  type TaxedVm,
  waterFill,
  wholeTargets,
} from './min-funding';
export { chargedPages, SHARE_CHARGING, type ShareCharging } from './share-accounting';
export { SHARES_PER_MIB, type ShareLevel, sharesOf } from './shares';

import { idleTax } from './allocation';
import { mebBalancer } from './meb-balancer';

/** The allocation policies of this package, for a registry. */
export const allocationDefinitions = [idleTax, mebBalancer] as const;
