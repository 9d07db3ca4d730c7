import { InvalidInputError } from '@hvsim/spec';

/**
 * MEB's balancing problem (Zhao and Wang, VEE 2009; reference cmm-satori-meb §3.2f), on a grid: give each VM
 * a whole number of units (of Δ pages) between its minimum and maximum, at most `budget` units in all, so
 * that the predicted misses add up to the fewest. `misses[k]` is a VM's predicted misses with k units (its
 * miss-ratio curve times its references); past the end of the array, the last value.
 */
export interface BalanceProblem {
  readonly budget: number;
  readonly vms: readonly BalanceVm[];
}

export interface BalanceVm {
  readonly min: number;
  readonly max: number;
  readonly misses: ArrayLike<number>;
}

const missesAt = (vm: BalanceVm, k: number): number => vm.misses[Math.min(k, vm.misses.length - 1)]!;

/** Total predicted misses of an allocation. */
export function totalMisses(problem: BalanceProblem, units: ArrayLike<number>): number {
  return problem.vms.reduce((sum, vm, i) => sum + missesAt(vm, units[i]!), 0);
}

function check(problem: BalanceProblem): void {
  let mins = 0;
  problem.vms.forEach((vm, i) => {
    if (!(Number.isInteger(vm.min) && Number.isInteger(vm.max) && 0 <= vm.min && vm.min <= vm.max)) {
      throw new InvalidInputError(
        `vms[${i}]`,
        `expected whole units 0 ≤ min ≤ max, got ${vm.min}..${vm.max}`,
      );
    }
    if (vm.misses.length === 0)
      throw new InvalidInputError(`vms[${i}].misses`, 'expected at least one point');
    mins += vm.min;
  });
  if (!(Number.isInteger(problem.budget) && problem.budget >= mins)) {
    throw new InvalidInputError(
      'budget',
      `expected whole units covering the minimums (${mins}), got ${problem.budget}`,
    );
  }
}

/**
 * The exact optimum by dynamic programming over (VMs × budget), O(n · B²): best[b] is the fewest misses of
 * the VMs so far with b units; ties go to the smaller allocation of the later VM, so the result is a pure
 * function of the problem.
 */
export function exactBalance(problem: BalanceProblem): Int32Array {
  check(problem);
  const { budget, vms } = problem;
  const n = vms.length;
  let best = new Float64Array(budget + 1); // no VMs: no misses, whatever the budget
  const choice = Array.from({ length: n }, () => new Int32Array(budget + 1));
  for (let i = 0; i < n; i++) {
    const vm = vms[i]!;
    const next = new Float64Array(budget + 1).fill(Number.POSITIVE_INFINITY);
    const pick = choice[i]!;
    const top = Math.min(vm.max, budget);
    for (let b = 0; b <= budget; b++) {
      for (let k = vm.min; k <= Math.min(top, b); k++) {
        const value = best[b - k]! + missesAt(vm, k);
        if (value < next[b]!) {
          next[b] = value;
          pick[b] = k;
        }
      }
    }
    best = next;
  }
  // The best budget actually used: more units never add misses, but a VM may be capped below them.
  let b = 0;
  for (let c = 1; c <= budget; c++) if (best[c]! < best[b]!) b = c;
  const units = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    units[i] = choice[i]![b]!;
    b -= units[i]!;
  }
  return units;
}

/** Vertices of the lower convex hull of a VM's curve over [min, max] (unit counts, in order). */
function lowerHull(vm: BalanceVm): number[] {
  const hull: number[] = [];
  for (let k = vm.min; k <= vm.max; k++) {
    const y = missesAt(vm, k);
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Drop b when it lies on or above the line from a to k.
      if ((missesAt(vm, b) - missesAt(vm, a)) * (k - a) >= (y - missesAt(vm, a)) * (b - a)) hull.pop();
      else break;
    }
    hull.push(k);
  }
  return hull;
}

/**
 * The greedy solver: every VM starts at its minimum, then units go where they save the most misses per unit,
 * segment by segment along each curve's lower convex hull. Optimal when every curve is convex; on others it
 * takes the hull's steps (a segment's middle may sit above the hull). A hull's segments save less and less
 * along it, so the next best segment is always some VM's next one: a merge over the VMs (a heap), which
 * stops once the budget is spent — O(points + spent · log n).
 */
export function greedyBalance(problem: BalanceProblem): Int32Array {
  check(problem);
  const { vms } = problem;
  const n = vms.length;
  const units = Int32Array.from(vms, (vm) => vm.min);
  let left = problem.budget - units.reduce((a, b) => a + b, 0);
  const hulls = vms.map(lowerHull);
  /** Index in each VM's hull of the vertex its allocation has reached. */
  const at = new Int32Array(n);
  const gain = (i: number): number => {
    const hull = hulls[i]!;
    const s = at[i]!;
    if (s + 1 >= hull.length) return 0;
    const vm = vms[i]!;
    return (missesAt(vm, hull[s]!) - missesAt(vm, hull[s + 1]!)) / (hull[s + 1]! - hull[s]!);
  };
  // A binary max-heap of VMs by the gain of their next segment; ties to the lower VM index.
  const gains = Float64Array.from({ length: n }, (_, i) => gain(i));
  const heap = Int32Array.from({ length: n }, (_, i) => i);
  const above = (a: number, b: number) => gains[a]! > gains[b]! || (gains[a] === gains[b] && a < b);
  const sift = (from: number) => {
    let p = from;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let top = p;
      if (l < n && above(heap[l]!, heap[top]!)) top = l;
      if (r < n && above(heap[r]!, heap[top]!)) top = r;
      if (top === p) return;
      [heap[p], heap[top]] = [heap[top]!, heap[p]!];
      p = top;
    }
  };
  for (let p = (n >> 1) - 1; p >= 0; p--) sift(p);
  while (left > 0 && n > 0 && gains[heap[0]!]! > 0) {
    const i = heap[0]!;
    const hull = hulls[i]!;
    const take = Math.min(left, hull[at[i]! + 1]! - hull[at[i]!]!);
    units[i] = hull[at[i]!]! + take;
    left -= take;
    at[i]!++;
    gains[i] = gain(i);
    sift(0);
  }
  return units;
}
