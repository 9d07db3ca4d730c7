import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkload, type OpBatch, OpKind } from '../contracts/workload';
import { checkWorkloadConformance } from './workload-conformance';

type Fault =
  | 'over-capacity'
  | 'length'
  | 'outside-vm'
  | 'bad-kind'
  | 'zero-compute'
  | 'bad-content'
  | 'after-finish'
  | 'nondeterministic'
  | 'full-size-pages';

let calls = 0;

/**
 * A toy workload: reads and writes pages drawn from its stream, a Compute op every fourth, and it finishes
 * after `ops` ops; `fault` breaks one property.
 */
const toy = (fault?: Fault) =>
  defineWorkload({
    name: 'toy',
    options: z.object({ ops: z.number().int().default(200) }),
    create: (options, ctx) => {
      let left = options.ops;
      const fill = (batch: OpBatch): number => {
        const n = Math.min(left, fault === 'over-capacity' ? batch.capacity + 1 : batch.capacity);
        for (let i = 0; i < n; i++) {
          const compute = i % 4 === 3;
          batch.kind[i] = fault === 'bad-kind' && i === 2 ? 9 : compute ? OpKind.Compute : i % 2;
          batch.target[i] = compute
            ? fault === 'zero-compute'
              ? 0
              : 1000
            : ctx.random.nextInt(fault === 'full-size-pages' ? ctx.vmPages * (ctx.scale ?? 1) : ctx.vmPages) +
              (fault === 'outside-vm' ? ctx.vmPages : 0);
          batch.content[i] = fault === 'bad-content' ? -1 : fault === 'nondeterministic' ? calls++ : 5;
        }
        left -= n;
        if (fault === 'after-finish' && n === 0) left = options.ops; // finished, then starts over
        batch.length = fault === 'length' ? 0 : n;
        return n;
      };
      return { contract: 'workload@1', name: 'toy', fill };
    },
  });

describe('checkWorkloadConformance', () => {
  it('passes a workload that keeps the contract', () => {
    expect(() => checkWorkloadConformance(toy(), { vmPages: 64, numRuns: 30 })).not.toThrow();
  });

  it('passes it as a miniature, which sees the scale and the miniature VM', () => {
    let seen: unknown;
    const definition = toy();
    const spy = {
      ...definition,
      create: (...args: Parameters<typeof definition.create>) => {
        seen ??= { scale: args[1].scale, vmPages: args[1].vmPages };
        return definition.create(...args);
      },
    };
    expect(() => checkWorkloadConformance(spy, { vmPages: 64, scale: 16, numRuns: 10 })).not.toThrow();
    expect(seen).toEqual({ scale: 16, vmPages: 4 });
  });

  it('catches a miniature that draws from the full-size VM', () => {
    const check = () =>
      checkWorkloadConformance(toy('full-size-pages'), { vmPages: 64, scale: 16, numRuns: 30 });
    expect(check).toThrow(
      expect.objectContaining({
        cause: expect.objectContaining({
          message: expect.stringMatching(/expected a virtual page of the VM as target/),
        }),
      }),
    );
  });

  it.each([
    ['over-capacity', /past the batch's capacity|expected a count of 0 to/],
    ['length', /set batch.length to 0/],
    ['outside-vm', /expected a virtual page of the VM as target/],
    ['bad-kind', /not a known OpKind/],
    ['zero-compute', /positive, finite compute time/],
    ['bad-content', /expected a content id/],
    ['after-finish', /after finishing/],
    ['nondeterministic', /different ops/],
  ] as const)('catches a workload that breaks it: %s', (fault, message) => {
    let failure: unknown;
    try {
      checkWorkloadConformance(toy(fault), { vmPages: 64, options: { ops: 30 }, numRuns: 30 });
    } catch (error) {
      failure = error;
    }
    expect(String((failure as Error | undefined)?.cause)).toMatch(message);
  });
});
