/**
 * fast-check arbitraries for the types of `@hvsim/spec`, for property tests of any package (ours or a user's).
 */
import fc from 'fast-check';
import type { AllocationInput, AllocationVm } from '../contracts/allocation';
import { createOpBatch, type OpBatch, OpKind } from '../contracts/workload';
import type { ContentId, VmId } from '../ids';
import { PageState } from '../machine';
import type { MissRatioCurve } from '../mrc';
import { PAGE_SIZE } from '../units';

/** Any content id; biased towards the zero page and small ids so equal contents (sharing) are common. */
export const contentId = (): fc.Arbitrary<ContentId> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 1, arbitrary: fc.maxSafeNat() },
  );

export const seed = (): fc.Arbitrary<number> => fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

export const vmId = (max = 15): fc.Arbitrary<VmId> => fc.integer({ min: 0, max }) as fc.Arbitrary<VmId>;

export const pageState = (): fc.Arbitrary<PageState> => fc.constantFrom(...Object.values(PageState));

const BINARY_UNITS = [
  ['B', 1],
  ['KiB', 1024],
  ['MiB', 1024 ** 2],
  ['GiB', 1024 ** 3],
] as const;

/** A "256MiB"-style size string together with the bytes it means. */
export const sizeString = (): fc.Arbitrary<{ text: string; bytes: number }> =>
  fc
    .tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(...BINARY_UNITS), fc.constantFrom('', ' '))
    .map(([n, [unit, scale], space]) => ({ text: `${n}${space}${unit}`, bytes: n * scale }));

/** A size in whole pages, as a string, together with the pages it means. */
export const pageSizeString = (): fc.Arbitrary<{ text: string; pages: number }> =>
  fc
    .integer({ min: 0, max: 1 << 20 })
    .chain((pages) =>
      fc
        .constantFrom(
          `${pages * 4}KiB`,
          `${pages * PAGE_SIZE}`,
          ...(pages % 256 === 0 ? [`${pages / 256}MiB`, `${pages / 256} m`] : []),
        )
        .map((text) => ({ text, pages })),
    );

/** A batch of workload ops over `pages` virtual pages. */
export const opBatch = (pages = 64, maxLength = 64): fc.Arbitrary<OpBatch> =>
  fc
    .array(
      fc.record({
        kind: fc.constantFrom(OpKind.Read, OpKind.Write),
        target: fc.integer({ min: 0, max: pages - 1 }),
        content: contentId(),
      }),
      { maxLength },
    )
    .map((ops) => {
      const batch = createOpBatch(Math.max(1, ops.length));
      ops.forEach((op, i) => {
        batch.kind[i] = op.kind;
        batch.target[i] = op.target;
        batch.content[i] = op.content;
      });
      batch.length = ops.length;
      return batch;
    });

/** A valid miss-ratio curve: strictly increasing sizes, non-increasing ratios in [0, 1]. */
export const missRatioCurve = (maxPoints = 32): fc.Arbitrary<MissRatioCurve> =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 1 << 20 }), { minLength: 1, maxLength: maxPoints }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: maxPoints, maxLength: maxPoints }),
      fc.nat({ max: 1e9 }),
    )
    .map(([sizes, ratios, references]) => {
      const sorted = Float64Array.from(sizes).sort();
      const misses = Float64Array.from(ratios.slice(0, sorted.length)).sort().reverse();
      return { sizes: sorted, missRatios: misses, references };
    });

/** One VM's allocation parameters: 0 ≤ min ≤ max, positive shares, activity within max. */
export const allocationVm = (maxPages = 1 << 16): fc.Arbitrary<AllocationVm> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: maxPages }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(([max, minFraction, shares, activeFraction, allocatedFraction]) => ({
      max,
      min: Math.floor(max * minFraction),
      shares,
      activePages: Math.floor(max * activeFraction),
      allocated: Math.floor(max * allocatedFraction),
    }));

/** An allocation problem whose mins fit in what is available (as admission control guarantees). */
export const allocationInput = (maxVms = 8): fc.Arbitrary<AllocationInput> =>
  fc
    .tuple(
      fc.array(allocationVm(), { minLength: 1, maxLength: maxVms }),
      fc.double({ min: 0, max: 2, noNaN: true }),
    )
    .map(([vms, slack]) => {
      const mins = vms.reduce((sum, vm) => sum + vm.min, 0);
      const maxs = vms.reduce((sum, vm) => sum + vm.max, 0);
      return { now: 0, vms, available: Math.floor(mins + slack * (maxs - mins)) };
    });
