import { OpKind, parseDuration, parsePages } from '@hvsim/spec';
import { FIGURE_6_SCHEDULE, toucher } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { drive, workloadContext } from './test-support';

const MIN = 60e9;
const MS = 1e6;

describe('toucher', () => {
  it('follows ESX Figure 6 by default: the amount touched in each step, exit at 27.6 min, restart at 38.5', () => {
    const steps = FIGURE_6_SCHEDULE.map((s) => ({ at: parseDuration(s.at), pages: parsePages(s.touch) }));
    expect(steps.map((s) => s.at / MIN)).toEqual([
      8.6, 10.6, 12.6, 14.6, 17.7, 19.6, 21.6, 23.6, 27.6, 38.5, 40.5, 42.5, 44.5,
    ]);
    expect(steps.map((s) => s.pages / 256)).toEqual([
      50, 150, 200, 250, 200, 100, 200, 150, 0, 50, 150, 200, 250,
    ]);

    // Per step: the pages touched, how many passes, and the frees.
    const touched = steps.map(() => new Set<number>());
    const passes = steps.map(() => 0);
    const freed: number[] = [];
    const freedAt: number[] = [];
    let before = 0;
    const stepAt = (t: number) => {
      let i = -1;
      while (i + 1 < steps.length && steps[i + 1]!.at <= t) i++;
      return i;
    };
    drive(toucher.create({ period: '30s' }, workloadContext({ vmPages: parsePages('320MiB') })), {
      capacity: 4096,
      until: 46 * MIN,
      onOp: (t, kind, target) => {
        if (kind === OpKind.Compute) return;
        const i = stepAt(t);
        if (kind === OpKind.Free) {
          freed.push(target);
          freedAt.push(t);
        } else if (i < 0) before++;
        else {
          touched[i]!.add(target);
          if (target === 0) passes[i]!++;
        }
      },
    });
    expect(before).toBe(0);
    steps.forEach((step, i) => {
      const pages = touched[i]!;
      expect(pages.size, `step ${i}`).toBe(step.pages);
      if (step.pages > 0) expect([Math.min(...pages), Math.max(...pages)]).toEqual([0, step.pages - 1]);
      const end = steps[i + 1]?.at ?? 46 * MIN;
      if (step.pages > 0) expect(passes[i], `passes of step ${i}`).toBe(Math.ceil((end - step.at) / 30e9));
    });
    // The exit frees every page the first toucher held (its largest step, 250 MiB), at 27.6 min.
    expect(freed).toEqual([...Array(parsePages('250MiB')).keys()]);
    expect(Math.min(...freedAt)).toBeGreaterThanOrEqual(27.6 * MIN);
    expect(Math.max(...freedAt)).toBeLessThan(27.6 * MIN + 10 * MS);
  });

  it('starts a pass every period and computes in between', () => {
    const passStarts: number[] = [];
    let memoryOps = 0;
    let computeTime = 0;
    drive(
      toucher.create(
        { schedule: [{ at: '5ms', touch: 100 }], period: '10ms', offset: 50 },
        workloadContext(),
      ),
      {
        capacity: 64,
        until: 100 * MS,
        opCost: 1000,
        onOp: (t, kind, target) => {
          if (kind === OpKind.Compute) {
            if (t < 100 * MS) computeTime += target;
          } else {
            memoryOps++;
            expect(kind).toBe(OpKind.Write);
            expect(target).toBeGreaterThanOrEqual(50);
            expect(target).toBeLessThan(150);
            if (target === 50) passStarts.push(t);
          }
        },
      },
    );
    expect(passStarts).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95].map((t) => t * MS));
    expect(memoryOps).toBe(1000);
    // 100 ms, of which each of the 10 passes takes 100 µs of memory ops: the rest is Compute.
    expect(Math.abs(computeTime - (100 * MS - 1000 * 1000))).toBeLessThanOrEqual(1 * MS);
  });

  it('restarts its pass at once when the amount changes, and leaves the untouched rest allocated', () => {
    const pages = new Map<number, Set<number>>();
    let frees = 0;
    drive(
      toucher.create(
        {
          schedule: [
            { at: 0, touch: 200 },
            { at: '10ms', touch: 50 },
          ],
          period: '4ms',
        },
        workloadContext(),
      ),
      {
        capacity: 32,
        until: 30 * MS,
        onOp: (t, kind, target) => {
          if (kind === OpKind.Free) frees++;
          if (kind !== OpKind.Write) return;
          const step = t < 10 * MS ? 0 : 1;
          if (!pages.has(step)) pages.set(step, new Set());
          pages.get(step)!.add(target);
        },
      },
    );
    expect(pages.get(0)!.size).toBe(200);
    expect(pages.get(1)!.size).toBe(50);
    expect(frees).toBe(0);
  });

  it('exits at `until`: frees what it touched, then finishes', () => {
    const frees: number[] = [];
    const result = drive(
      toucher.create({ schedule: [{ at: 0, touch: 30 }], period: '1ms', until: '5ms' }, workloadContext()),
      {
        capacity: 16,
        onOp: (_t, kind, target) => {
          if (kind === OpKind.Free) frees.push(target);
        },
      },
    );
    expect(result.finished).toBe(true);
    expect(result.now).toBeGreaterThanOrEqual(5 * MS);
    expect(frees).toEqual([...Array(30).keys()]);
  });

  it('finishes after a last step of 0 when there is no background', () => {
    const result = drive(
      toucher.create(
        {
          schedule: [
            { at: 0, touch: 10 },
            { at: '2ms', touch: 0 },
          ],
        },
        workloadContext(),
      ),
      { capacity: 16 },
    );
    expect(result.finished).toBe(true);
    expect(result.now).toBeGreaterThanOrEqual(2 * MS);
    expect(result.now).toBeLessThan(3 * MS);
  });

  it('touches a background set beside its buffer at the given rate', () => {
    let background = 0;
    let outside = 0;
    drive(
      toucher.create(
        {
          schedule: [
            { at: 0, touch: 100 },
            { at: '1s', touch: 0 },
            { at: '2s', touch: 20 },
          ],
          period: '100ms',
          background: { pages: 40, rate: 2000 },
        },
        workloadContext(),
      ),
      {
        capacity: 256,
        until: 10e9,
        onOp: (_t, kind, target) => {
          if (kind === OpKind.Compute || kind === OpKind.Free) return;
          if (target >= 140) outside++;
          else if (target >= 100) background++;
        },
      },
    );
    expect(outside).toBe(0);
    // A Poisson process of 2000/s over 10 s: 20 000 ± 141.
    expect(Math.abs(background - 20_000)).toBeLessThan(800);
  });

  it.each([
    [{ schedule: [] }, /schedule: expected at least 1 item/],
    [
      {
        schedule: [
          { at: '2s', touch: 1 },
          { at: '1s', touch: 2 },
        ],
      },
      /schedule\[1\]\.at: expected steps in increasing order of time/,
    ],
    [{ schedule: [{ at: '1s', touch: 'much' }] }, /schedule\[0\]\.touch: expected a size/],
    [{ period: 'often' }, /period: expected a duration/],
    [{ background: { rate: -1 } }, /background\.rate: expected a number (of at least|above) /],
  ])('rejects %j, naming the field', (options, message) => {
    expect(() => toucher.create(options as never, workloadContext())).toThrow(message);
  });
});
