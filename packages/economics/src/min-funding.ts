import { InvalidInputError } from '@hvsim/spec';
import { checkTaxRate, pageCost, pagesForCost, type TaxKind } from './idle-tax';

/** One VM as allocation sees it, in pages. */
export interface TaxedVm {
  /** Guaranteed pages, even under overcommitment. */
  readonly min: number;
  /** Configured pages: never more. */
  readonly max: number;
  /** Relative right to memory (0: exactly its min, whatever is free). */
  readonly shares: number;
  /** Pages it is estimated to use actively. */
  readonly active: number;
  /** Its own tax rate, where it differs from the problem's. */
  readonly tau?: number;
}

export interface AllocationProblem {
  /** Pages the targets share out. */
  readonly available: number;
  readonly vms: readonly TaxedVm[];
  /** Tax rate of every VM without one of its own (default 0: pure shares). */
  readonly tau?: number;
  readonly kind?: TaxKind;
}

function check(problem: AllocationProblem): void {
  const { available, vms } = problem;
  if (!(available >= 0 && available < Infinity)) {
    throw new InvalidInputError(
      'available',
      `expected a finite number of pages, 0 or more, got ${available}`,
    );
  }
  checkTaxRate(problem.tau ?? 0);
  let mins = 0;
  vms.forEach((vm, i) => {
    if (!(vm.min >= 0 && vm.min <= vm.max && vm.max < Infinity)) {
      throw new InvalidInputError(`vms[${i}]`, `expected 0 ≤ min ≤ max, finite, got ${vm.min} and ${vm.max}`);
    }
    if (!(vm.shares >= 0 && vm.shares < Infinity)) {
      throw new InvalidInputError(`vms[${i}].shares`, `expected finite shares, 0 or more, got ${vm.shares}`);
    }
    if (!(vm.active >= 0 && vm.active < Infinity)) {
      throw new InvalidInputError(`vms[${i}].active`, `expected finite active pages, got ${vm.active}`);
    }
    if (vm.tau !== undefined) checkTaxRate(vm.tau, `vms[${i}].tau`);
    mins += vm.min;
  });
  if (mins > available) {
    throw new InvalidInputError(
      'available',
      `expected at least the minimums' ${mins} pages, got ${available}`,
    );
  }
}

/** VM i's target at a price of `perShare` cost units per share: the pages its shares buy, within bounds. */
function targetAt(problem: AllocationProblem, i: number, perShare: number): number {
  const vm = problem.vms[i]!;
  if (vm.shares === 0) return vm.min;
  const bought = pagesForCost(vm.shares * perShare, vm.active, vm.tau ?? problem.tau ?? 0, problem.kind);
  return Math.min(vm.max, Math.max(vm.min, bought));
}

function totalAt(problem: AllocationProblem, perShare: number): number {
  let sum = 0;
  for (let i = 0; i < problem.vms.length; i++) sum += targetAt(problem, i, perShare);
  return sum;
}

/**
 * Min-funding revocation in closed form (the water-fill): revocation stops when every VM that is neither at
 * its min nor at its max pays the same price ρ = S / cost, so each holds what its shares buy at one common
 * price. The price is found by bisection, the targets being monotone in it. Targets are fractional pages;
 * `wholeTargets` rounds them. Every VM gets its max when the maxima fit, except that a VM with no shares
 * gets exactly its min, even when memory is free (as ESX documents).
 */
export function waterFill(problem: AllocationProblem): Float64Array {
  check(problem);
  const { available, vms } = problem;
  const n = vms.length;
  if (vms.reduce((sum, vm) => sum + vm.max, 0) <= available) {
    return Float64Array.from(vms, (vm) => (vm.shares === 0 ? vm.min : vm.max));
  }
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 1000 && totalAt(problem, hi) < available; i++) hi *= 2; // 2^1000 stays finite
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (totalAt(problem, mid) < available) lo = mid;
    else hi = mid;
  }
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) targets[i] = targetAt(problem, i, hi);
  return targets;
}

/**
 * Min-funding revocation as ESX runs it, one step at a time: every VM starts at its max (a VM with no
 * shares at its min) and, while the targets exceed what is available, the VM paying the fewest shares per
 * page (ρ = S / cost, above its min) gives up `step` pages. Reference for the closed form, which it matches
 * to within a step per VM; O(pages · VMs / step).
 */
export function revokeIncrementally(problem: AllocationProblem, step = 1): Float64Array {
  check(problem);
  if (!(step > 0)) throw new InvalidInputError('step', `expected a positive step, got ${step}`);
  const { vms } = problem;
  const targets = Float64Array.from(vms, (vm) => (vm.shares === 0 ? vm.min : vm.max));
  let excess = targets.reduce((a, b) => a + b, 0) - problem.available;
  while (excess > 0) {
    let victim = -1;
    let lowest = Number.POSITIVE_INFINITY;
    vms.forEach((vm, i) => {
      if (targets[i]! <= vm.min) return;
      // The price of the pages it would give up, taken at their middle: a page of idle memory costs k
      // times one of active memory, and pricing it at either end would skew the loop by up to a page.
      const middle = targets[i]! - Math.min(step, targets[i]! - vm.min) / 2;
      const rho = vm.shares / pageCost(middle, vm.active, vm.tau ?? problem.tau ?? 0, problem.kind);
      if (rho < lowest) {
        lowest = rho;
        victim = i;
      }
    });
    const taken = Math.min(step, excess, targets[victim]! - vms[victim]!.min);
    targets[victim]! -= taken;
    excess -= taken;
  }
  return targets;
}

/**
 * Whole pages from fractional targets: each rounded down, then the pages the fractions add up to (no more
 * than `available`) handed out one each by largest remainder, never past a VM's `caps` (its max, or less).
 * Targets within whole bounds stay within them.
 */
export function wholeTargets(
  targets: Float64Array,
  caps: ArrayLike<number>,
  available: number,
): Float64Array {
  const whole = targets.map(Math.floor);
  const sum = targets.reduce((a, b) => a + b, 0);
  let left = Math.min(Math.floor(available), Math.round(sum)) - whole.reduce((a, b) => a + b, 0);
  const order = Array.from(targets.keys()).sort(
    (a, b) => targets[b]! - whole[b]! - (targets[a]! - whole[a]!),
  );
  for (const i of order) {
    if (left <= 0) break;
    if (whole[i]! + 1 <= caps[i]!) {
      whole[i]!++;
      left--;
    }
  }
  return whole;
}

/** Pure share entitlements E⁰: the water-fill with no tax, what isolation promises each VM. */
export function entitlements(problem: AllocationProblem): Float64Array {
  return waterFill({ ...problem, tau: 0, vms: problem.vms.map(({ tau: _, ...vm }) => vm) });
}
