import { createOpBatch, createRandom, InvalidOptionsError, OpKind, type VmId } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { bursty } from './bursty';

const context = { random: createRandom(1), emit: () => {}, vm: 2 as VmId, vmPages: 1000 };

describe('bursty', () => {
  it('touches only its hot set during a burst, writing its own VM’s data, and only computes in a pause', () => {
    const workload = bursty.create({ hot: 100, burst: '1ms', pause: '2500us', writeFraction: 0.5 }, context);
    const batch = createOpBatch(64);
    expect(workload.fill(batch, 0)).toBe(64);
    for (let i = 0; i < 64; i++) {
      expect([OpKind.Read, OpKind.Write]).toContain(batch.kind[i]);
      expect(batch.target[i]).toBeLessThan(100);
      const data = 1 + 2 * 2 ** 32 + batch.target[i]!;
      expect(batch.content[i]).toBe(batch.kind[i] === OpKind.Write ? data : 0);
    }
    // 1.5 ms into the run: a pause until 3.5 ms, written out as 1 ms slices and what is left.
    expect(workload.fill(batch, 1.5e6)).toBe(2);
    expect([...batch.kind.subarray(0, 2)]).toEqual([OpKind.Compute, OpKind.Compute]);
    expect([...batch.target.subarray(0, 2)]).toEqual([1e6, 1e6]);
    // The next cycle starts at 3.5 ms with a burst.
    workload.fill(batch, 3.5e6);
    expect(batch.kind[0]).not.toBe(OpKind.Compute);
  });

  it('names the option at fault', () => {
    expect(() => bursty.create({ hot: 2000 }, context)).toThrow(
      new InvalidOptionsError('bursty.options', [
        { path: 'hot', message: "2000 pages do not fit in the VM's 1000" },
      ]),
    );
    expect(() => bursty.create({ burst: 0 }, context)).toThrow(
      /bursty.options: burst: expected a burst longer than 0/,
    );
    expect(() => bursty.create({ pause: 'soon' }, context)).toThrow(
      /bursty.options: pause: expected a duration/,
    );
  });
});
