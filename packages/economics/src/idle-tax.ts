import { InvalidInputError } from '@hvsim/spec';

/** ESX's default tax rate: at most 75% of a VM's idle memory may be reclaimed (an idle page costs 4×). */
export const DEFAULT_TAX_RATE = 0.75;

/**
 * How idle pages are taxed:
 * - `flat`: every idle page costs k = 1 / (1 − τ) (ESX 2002; `Mem.IdleTaxType` 0);
 * - `progressive`: the rate grows with the VM's share of idle memory, τ_eff = τ · (1 − f) for an active
 *   fraction f, so a mostly active VM pays little and an idle one the full τ. ESXi's variable tax (type 1)
 *   "increases as the ratio of idle memory to active memory rises", but its formula was never published:
 *   this one is an assumption with that shape.
 */
export type TaxKind = 'flat' | 'progressive';

export function checkTaxRate(tau: number, field = 'tau'): void {
  if (!(tau >= 0 && tau < 1)) throw new InvalidInputError(field, `expected a tax rate in [0, 1), got ${tau}`);
}

/** k = 1 / (1 − τ): what an idle page costs against an active one. */
export function idleCostFactor(tau: number): number {
  checkTaxRate(tau);
  return 1 / (1 - tau);
}

/**
 * What holding `pages` costs a VM with `active` of them in use, in active-page units: P · (f + k (1 − f)),
 * so its shares-per-page price is ρ = S / cost (Waldspurger 2002, §5.2).
 */
export function pageCost(pages: number, active: number, tau: number, kind: TaxKind = 'flat'): number {
  if (pages <= active) return pages;
  const rate = kind === 'flat' ? tau : tau * (1 - active / pages);
  return active + (pages - active) / (1 - rate);
}

/** The shares-per-page price ρ = S / cost: the VM paying least gives up memory first. */
export function sharesPerPage(
  shares: number,
  pages: number,
  active: number,
  tau: number,
  kind: TaxKind = 'flat',
): number {
  return pages > 0 ? shares / pageCost(pages, active, tau, kind) : Number.POSITIVE_INFINITY;
}

/** The pages a cost buys: the inverse of `pageCost`, which rises with the pages. */
export function pagesForCost(cost: number, active: number, tau: number, kind: TaxKind = 'flat'): number {
  if (cost <= active) return cost;
  const idle = cost - active;
  if (kind === 'flat') return active + idle * (1 - tau);
  // Progressive: cost = A + (P − A) P / ((1 − τ) P + τ A), a quadratic in P; its positive root.
  const b = active + idle * (1 - tau);
  return (b + Math.sqrt(b * b + 4 * idle * tau * active)) / 2;
}
