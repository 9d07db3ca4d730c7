import { OpKind } from '@hvsim/spec';
import { idle } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { drive, workloadContext } from './test-support';

describe('idle', () => {
  it('mostly computes, touching its background set at the given rate per simulated second', () => {
    const touched = new Set<number>();
    let touches = 0;
    let writes = 0;
    let compute = 0;
    let outside = 0;
    const { now } = drive(idle.create({ pages: 200, offset: 1000, rate: 100 }, workloadContext()), {
      capacity: 512,
      until: 60e9,
      onOp: (_t, kind, target) => {
        if (kind === OpKind.Compute) {
          compute++;
          return;
        }
        touches++;
        if (kind === OpKind.Write) writes++;
        if (target < 1000 || target >= 1200) outside++;
        touched.add(target);
      },
    });
    expect(outside).toBe(0);
    // 100/s for 60 s: 6000 ± 77.
    expect(Math.abs(touches - 6000)).toBeLessThan(350);
    expect(Math.abs(writes / touches - 0.25)).toBeLessThan(0.03);
    expect(touched.size).toBe(200);
    expect(compute).toBeGreaterThan(10 * touches);
    expect(now).toBeGreaterThanOrEqual(60e9);
  });

  it('by default touches 4% of the VM', () => {
    const touched = new Set<number>();
    drive(idle.create({}, workloadContext({ vmPages: 10_000 })), {
      capacity: 512,
      until: 60e9,
      onOp: (_t, kind, target) => {
        if (kind !== OpKind.Compute) touched.add(target);
      },
    });
    expect(touched.size).toBe(400);
  });

  it('with rate 0 only computes', () => {
    let memory = 0;
    drive(idle.create({ rate: 0 }, workloadContext()), {
      until: 5e9,
      onOp: (_t, kind) => {
        if (kind !== OpKind.Compute) memory++;
      },
    });
    expect(memory).toBe(0);
  });

  it('rejects a negative rate, naming it', () => {
    expect(() => idle.create({ rate: -5 }, workloadContext())).toThrow(
      /idle\.options: rate: expected a number (of at least|above) 0, got -5/,
    );
  });
});
