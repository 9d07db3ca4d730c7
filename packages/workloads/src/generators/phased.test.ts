import { OpKind } from '@hvsim/spec';
import { phased } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { drive, workloadContext } from './test-support';

const MS = 1e6;
const PHASES = [
  { duration: '20ms', pages: 100, writeFraction: 0 },
  { duration: '20ms', pages: 0 },
  { duration: '20ms', offset: 100, pages: 200, distribution: 'zipf' as const, writeFraction: 1 },
];

/** Per fill: its time and the set of kinds and the range of pages it holds. */
function fills(options: Parameters<typeof phased.create>[0], until: number, start = 0) {
  const out: { now: number; kinds: Set<number>; min: number; max: number; computeEnd: number }[] = [];
  const result = drive(phased.create(options, workloadContext()), {
    capacity: 64,
    opCost: 1000,
    until,
    start,
    onFill: (now, batch) => {
      let min = Number.POSITIVE_INFINITY;
      let max = -1;
      let compute = 0;
      const kinds = new Set<number>();
      for (let i = 0; i < batch.length; i++) {
        kinds.add(batch.kind[i]!);
        if (batch.kind[i] === OpKind.Compute) compute += batch.target[i]!;
        else {
          min = Math.min(min, batch.target[i]!);
          max = Math.max(max, batch.target[i]!);
        }
      }
      out.push({ now: now - start, kinds, min, max, computeEnd: now - start + compute });
    },
  });
  return { fills: out, ...result };
}

const phaseAt = (t: number) => Math.floor((t % (60 * MS)) / (20 * MS));

describe('phased', () => {
  it('uses the working set of the phase in force at each fill, and cycles', () => {
    const { fills: all } = fills({ phases: PHASES }, 130 * MS, 3 * MS);
    const seen = new Set<number>();
    for (const f of all) {
      const phase = phaseAt(f.now);
      seen.add(phase);
      if (phase === 0) {
        expect([...f.kinds]).toEqual([OpKind.Read]);
        expect(f.min).toBeGreaterThanOrEqual(0);
        expect(f.max).toBeLessThan(100);
      } else if (phase === 1) {
        expect([...f.kinds]).toEqual([OpKind.Compute]);
        // An idle phase computes exactly until its end, never past it.
        expect(f.computeEnd).toBeLessThanOrEqual((Math.floor(f.now / (20 * MS)) + 1) * 20 * MS + 1e-6);
      } else {
        expect([...f.kinds]).toEqual([OpKind.Write]);
        expect(f.min).toBeGreaterThanOrEqual(100);
        expect(f.max).toBeLessThan(300);
      }
    }
    expect(seen).toEqual(new Set([0, 1, 2]));
  });

  it('switches within one batch of each phase boundary', () => {
    const { fills: all } = fills({ phases: PHASES }, 130 * MS);
    for (const boundary of [20, 40, 60, 80, 100, 120].map((t) => t * MS)) {
      const first = all.find((f) => f.now >= boundary)!;
      // A batch of 64 ops of 1 µs each, or an idle phase's compute that ends on the boundary exactly.
      expect(first.now - boundary).toBeLessThan(64 * 1000 + 1e-3);
      expect(phaseAt(first.now)).toBe((boundary / (20 * MS)) % 3);
    }
    // Leaving the idle phase lands on its end.
    const leaveIdle = all.find((f) => f.now >= 40 * MS)!;
    expect(leaveIdle.now).toBeCloseTo(40 * MS, 0);
  });

  it('finishes after the last phase without repeat', () => {
    const { finished, now } = drive(phased.create({ phases: PHASES, repeat: false }, workloadContext()), {
      capacity: 64,
    });
    expect(finished).toBe(true);
    expect(now).toBeGreaterThanOrEqual(60 * MS);
    expect(now).toBeLessThan(60 * MS + 6400 + 1);
  });

  it('reads a file phase through the page cache, and paces accesses with compute per access', () => {
    const phases = [{ duration: '20ms', pages: 50, writeFraction: 0.5, file: true }];
    const { fills: all } = fills({ phases, compute: '10us' }, 5 * MS);
    for (const f of all) {
      expect(f.kinds).toEqual(new Set([OpKind.FileRead, OpKind.FileWrite, OpKind.Compute]));
      expect(f.max).toBeLessThan(50);
    }
    // 63 accesses of 1 µs each and 630 µs of compute a batch: 10 µs more per access.
    expect(all.length).toBeGreaterThan(5);
    expect(all.at(-1)!.now).toBeCloseTo((all.length - 1) * 63 * 11_000, -3);
  });

  it('reads a file phase with a buffer by copying each block to the buffer page at its place', () => {
    const phases = [{ duration: '20ms', offset: 10, pages: 50, writeFraction: 0.5, file: true, buffer: 200 }];
    let copies = 0;
    drive(phased.create({ phases, offset: 5 }, workloadContext()), {
      capacity: 64,
      opCost: 1000,
      until: 5 * MS,
      onFill: (_now, batch) => {
        for (let i = 0; i < batch.length; i++) {
          expect([OpKind.FileCopy, OpKind.FileWrite, OpKind.Compute]).toContain(batch.kind[i]);
          if (batch.kind[i] !== OpKind.FileCopy) continue;
          copies++;
          // Block 15 + k goes to buffer page 205 + k.
          expect(batch.content[i]! - 205).toBe(batch.target[i]! - 15);
        }
      },
    });
    expect(copies).toBeGreaterThan(100);
  });

  it('scans a sequential phase page after page, looping, and carries on where it stopped', () => {
    const phases = [
      { duration: '10ms', offset: 5, pages: 7, distribution: 'sequential' as const, writeFraction: 0 },
      { duration: '10ms', pages: 0 },
    ];
    const targets: number[] = [];
    drive(phased.create({ phases }, workloadContext()), {
      capacity: 16,
      opCost: 1000,
      until: 30 * MS,
      onOp: (_t, kind, target) => {
        if (kind !== OpKind.Compute) targets.push(target);
      },
    });
    // 10 000 reads of 1 µs a phase, twice: the second time, the scan resumes where it stopped (page 4 of 7).
    expect(targets).toHaveLength(20_000);
    expect(targets.every((target, i) => target === 5 + (i % 7))).toBe(true);
  });

  it('says its disk blocks are read together only when every file phase scans', () => {
    const scan = { duration: '1s', pages: 10, file: true, distribution: 'sequential' as const };
    const random = { duration: '1s', pages: 10, file: true };
    const anonymous = { duration: '1s', pages: 10 };
    const blocks = (phases: object[]) => phased.create({ phases } as never, workloadContext()).diskBlocks;
    expect(blocks([scan, anonymous])).toBe('together');
    expect(blocks([scan, random])).toBe('apart');
    expect(blocks([anonymous])).toBe('apart');
  });

  it('by default moves from a tenth of the VM to a Zipf half of it', () => {
    const w = phased.create({}, workloadContext({ vmPages: 1000 }));
    const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    const hi = [-1, -1];
    drive(w, {
      capacity: 1000,
      maxOps: 200_000,
      opCost: 3e6, // 200 000 ops cover both 5-minute phases
      onOp: (t, kind, target) => {
        if (kind === OpKind.Compute) return;
        const p = phaseOfDefault(t);
        lo[p] = Math.min(lo[p]!, target);
        hi[p] = Math.max(hi[p]!, target);
      },
    });
    expect([lo[0], hi[0]]).toEqual([0, 99]);
    expect(lo[1]).toBeGreaterThanOrEqual(100);
    expect(hi[1]).toBeLessThan(600);
    expect(hi[1]).toBeGreaterThan(500);
  });

  it.each([
    [{ phases: [] }, /phases: expected at least 1 item/],
    [{ phases: [{ duration: '1s' }] }, /phases\[0\]\.pages: expected pages, a size/],
    [
      { phases: [{ duration: 'a while', pages: 1 }] },
      /phases\[0\]\.duration: expected a duration such as "30s"/,
    ],
    [{ phases: [{ duration: '1s', pages: 1 }], compute: 'soon' }, /compute: expected a duration/],
    [{ phases: [{ duration: 0, pages: 1 }] }, /phases: expected at least one phase that lasts longer than 0/],
    [
      { phases: [{ duration: '1s', pages: 1, distribution: 'normal' }] },
      /phases\[0\]\.distribution: expected one of uniform, zipf, sequential, got "normal"/,
    ],
  ])('rejects %j, naming the field', (options, message) => {
    expect(() => phased.create(options as never, workloadContext())).toThrow(message);
  });
});

function phaseOfDefault(t: number) {
  return Math.floor(t / 300e9) % 2;
}
