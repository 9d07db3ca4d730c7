import { OpKind } from '@hvsim/spec';
import { growingHeap } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { drive, workloadContext } from './test-support';

const MS = 1e6;

describe('growing-heap', () => {
  it('grows its frontier at the rate, up to the maximum, allocating each page in order', () => {
    const allocations: { t: number; vpn: number }[] = [];
    let beyond = 0;
    let frontier = 0;
    drive(growingHeap.create({ rate: 1000, max: 300, initial: 10, offset: 50 }, workloadContext()), {
      capacity: 16,
      opCost: 10_000,
      until: 500 * MS,
      onFill: (now, batch) => {
        // After a fill the frontier matches the schedule, and no access goes past it.
        const due = Math.min(300, 10 + Math.floor((1000 * now) / 1e9));
        for (let i = 0; i < batch.length; i++) {
          const vpn = batch.target[i]! - 50;
          if (batch.kind[i] === OpKind.Write && vpn === frontier) {
            allocations.push({ t: now, vpn });
            frontier++;
          } else if (batch.kind[i] !== OpKind.Compute && vpn >= frontier) beyond++;
        }
        if (batch.length === batch.capacity) return;
        expect(frontier).toBe(due);
      },
    });
    expect(beyond).toBe(0);
    expect(frontier).toBe(300);
    // Page 10 + n is allocated at n ms (within a batch of 16 ops of 10 µs).
    for (const { t, vpn } of allocations.filter((a) => a.vpn >= 10)) {
      expect(t).toBeGreaterThanOrEqual((vpn - 10) * MS);
      expect(t).toBeLessThan((vpn - 10 + 1) * MS + 16 * 10_000);
    }
  });

  it('touches recent pages more often', () => {
    const ages: number[] = [];
    let frontier = 0;
    drive(growingHeap.create({ rate: 1000, max: 1000, initial: 1000, recency: 0.2 }, workloadContext()), {
      capacity: 512,
      maxOps: 100_000,
      onOp: (_t, kind, target) => {
        if (kind === OpKind.Write && target === frontier) frontier++;
        else if (kind === OpKind.Read || kind === OpKind.Write) ages.push(999 - target);
      },
    });
    // Truncated exponential with mean 200 pages over [0, 1000): P(age < 200) = (1 − e^−1)/(1 − e^−5).
    const young = ages.filter((a) => a < 200).length / ages.length;
    expect(young).toBeCloseTo((1 - Math.exp(-1)) / (1 - Math.exp(-5)), 1);
    expect(Math.max(...ages.slice(0, 60_000))).toBeGreaterThan(900);
    expect(Math.min(...ages.slice(0, 60_000))).toBe(0);
  });

  it('frees pages that fall more than `retain` behind the frontier, and never touches them again', () => {
    const freed = new Set<number>();
    let touchedFreed = 0;
    let live = 0;
    drive(growingHeap.create({ rate: 20_000, max: 2000, retain: 300 }, workloadContext()), {
      capacity: 64,
      opCost: 10_000,
      until: 200 * MS,
      onOp: (_t, kind, target) => {
        if (kind === OpKind.Free) {
          if (freed.has(target)) touchedFreed++;
          freed.add(target);
        } else if (kind === OpKind.Read || kind === OpKind.Write) {
          if (freed.has(target)) touchedFreed++;
          live = Math.max(live, target + 1 - freed.size);
        }
      },
    });
    expect(touchedFreed).toBe(0);
    expect(freed.size).toBe(1700);
    expect([...freed].sort((a, b) => a - b)).toEqual([...Array(1700).keys()]);
    expect(live).toBeLessThanOrEqual(301);
  });

  it('computes until its first page is due', () => {
    const kinds: number[] = [];
    drive(growingHeap.create({ rate: 1000, max: 10 }, workloadContext()), {
      until: 2 * MS,
      onOp: (_t, kind) => kinds.push(kind),
    });
    // 1000 pages/s: the first page is due at 1 ms.
    expect(kinds[0]).toBe(OpKind.Compute);
    expect(kinds.indexOf(OpKind.Write)).toBeGreaterThan(0);
  });

  it('rejects a bad recency, naming it', () => {
    expect(() => growingHeap.create({ recency: 0 }, workloadContext())).toThrow(
      /growing-heap\.options: recency: expected a number (of at least|above) /,
    );
    expect(() => growingHeap.create({ retain: 0 }, workloadContext())).toThrow(
      /retain: expected at least one page/,
    );
  });
});
