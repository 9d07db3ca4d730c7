import fc from 'fast-check';
import type { z } from 'zod';
import type { AllocationInput, AllocationPolicy } from '../contracts/allocation';
import type { CreateContext } from '../contracts/context';
import type { Definition } from '../define';
import { createRandom } from '../random';
import { allocationInput, missRatioCurve } from './arbitraries';

export interface AllocationConformanceOptions<Options> {
  /** What the policy is created with, as a scenario would give it (default: its defaults). */
  readonly options?: Options;
  /** Runs per property (default: fast-check's, which the FC_NUM_RUNS setting of a test run also sets). */
  readonly numRuns?: number;
}

/**
 * A rebalance as a host asks for it: VMs whose minimums fit in what is available (admission control sees to
 * that), some with a miss-ratio curve from their detector, at some host time.
 */
const rebalance: fc.Arbitrary<AllocationInput> = allocationInput().chain((input) =>
  fc
    .tuple(
      fc.array(fc.option(missRatioCurve(8), { nil: undefined }), {
        minLength: input.vms.length,
        maxLength: input.vms.length,
      }),
      fc.nat({ max: 3_600_000_000_000 }),
    )
    .map(([curves, now]) => ({
      now,
      available: input.available,
      vms: input.vms.map((vm, i) => (curves[i] ? { ...vm, missRatioCurve: curves[i] } : vm)),
    })),
);

/** The input as text, typed arrays included, to see that the policy left it alone. */
const snapshot = (input: AllocationInput) =>
  JSON.stringify(input, (_key, value) =>
    ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value,
  );

/**
 * The properties every allocation policy keeps, ours or a user's: call it in a test with its definition (and
 * the options to create it with). Over random rebalances whose minimums fit in what is available:
 * - the instance is an `allocation-policy@1`, and `targets` gives one target per VM, in their order;
 * - each target is a whole number of pages with min ≤ target ≤ max;
 * - the targets add up to no more than is available;
 * - it leaves its input alone, and is deterministic: the same input gives the same targets, from the same
 *   instance called again and from another instance created with the same seed.
 * Throws (with fast-check's counterexample) when one fails.
 */
export function checkAllocationPolicyConformance<Schema extends z.ZodType>(
  definition: Definition<'allocation-policy@1', Schema, CreateContext, AllocationPolicy>,
  options: AllocationConformanceOptions<z.input<Schema>> = {},
): void {
  const create = (seed: number) => {
    const policy = definition.create(options.options, { random: createRandom(seed), emit: () => {} });
    if (policy.contract !== 'allocation-policy@1') {
      throw new Error(`expected contract allocation-policy@1, got ${String(policy.contract)}`);
    }
    return policy;
  };
  fc.assert(
    fc.property(fc.integer(), rebalance, (seed, input) => {
      const before = snapshot(input);
      const policy = create(seed);
      const targets = Array.from(policy.targets(input));
      if (snapshot(input) !== before) throw new Error('targets() changed its input');
      if (targets.length !== input.vms.length) {
        throw new Error(`expected ${input.vms.length} targets, one per VM, got ${targets.length}`);
      }
      let sum = 0;
      targets.forEach((target, i) => {
        const { min, max } = input.vms[i]!;
        if (!Number.isSafeInteger(target)) throw new Error(`vm ${i}: expected whole pages, got ${target}`);
        if (target < min || target > max) {
          throw new Error(`vm ${i}: expected a target within [${min}, ${max}], got ${target}`);
        }
        sum += target;
      });
      if (sum > input.available) {
        throw new Error(`the targets add up to ${sum} pages, more than the ${input.available} available`);
      }
      const again = Array.from(policy.targets(input)).join();
      const twin = Array.from(create(seed).targets(input)).join();
      if (again !== targets.join() || twin !== targets.join()) {
        throw new Error('the same input gave different targets');
      }
    }),
    options.numRuns === undefined ? {} : { numRuns: options.numRuns },
  );
}
