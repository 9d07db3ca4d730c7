import { createOpBatch, OpKind, type Workload } from '@hvsim/spec';
import {
  bufferPool,
  fileServer,
  generatorDefinitions,
  growingHeap,
  idle,
  phased,
  sequential,
  toucher,
  uniform,
  zipf,
} from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, drive, SMALL_SETTINGS, workloadContext } from './test-support';

/** Every op a workload makes over `until` ns of a drive, as [kind, target, content] triples. */
function opsOf(workload: Workload, until: number): number[][] {
  const ops: number[][] = [];
  drive(workload, { until, onOp: (_t, kind, target, content) => ops.push([kind, target, content]) });
  return ops;
}

/** The targets of ops of the given kinds. */
const targetsOf = (ops: { kind: number[]; target: number[] }, ...kinds: number[]) =>
  ops.target.filter((_, i) => kinds.includes(ops.kind[i]!));

// The miniature VMs below are what the host gives: a full VM of 65536 pages at scale R has 65536 / R.
describe('generators in a miniature', () => {
  it.each(generatorDefinitions.map((d) => [d.name, d] as const))(
    '%s at scale 1 makes the same ops as without a scale',
    (name, definition) => {
      const options = SMALL_SETTINGS[name] ?? {};
      const full = opsOf(definition.create(options, workloadContext({ vmPages: 4096 })), 6e6);
      const one = opsOf(definition.create(options, workloadContext({ vmPages: 4096, scale: 1 })), 6e6);
      expect(one).toEqual(full);
    },
  );

  it.each([zipf, uniform, sequential].map((d) => [d.name, d] as const))(
    '%s at scale 16 works on pages/16 from offset/16; a fraction is of the miniature VM',
    (_name, definition) => {
      const ctx = () => workloadContext({ vmPages: 4096, scale: 16 });
      const pages = new Set(collect(definition.create({ pages: 16000, offset: 1600 }, ctx()), 50).target);
      // Zipf's coldest pages may go unseen in 50 000 ops.
      expect(pages.size).toBeGreaterThan(990);
      expect(Math.min(...pages)).toBeGreaterThanOrEqual(100);
      expect(Math.max(...pages)).toBeLessThanOrEqual(1099);
      const half = collect(definition.create({ pages: 0.5 }, ctx()), 20).target;
      expect(Math.max(...half)).toBeLessThan(2048);
    },
  );

  it('finishes after ops/R ops, at least 1', () => {
    expect(collect(zipf.create({ ops: 1000 }, workloadContext({ scale: 10 })), 10).target).toHaveLength(100);
    expect(collect(zipf.create({ ops: 3 }, workloadContext({ scale: 64 })), 10).target).toHaveLength(1);
  });

  it('idle touches pages/R at rate/R', () => {
    const touched = new Set<number>();
    let touches = 0;
    drive(
      idle.create({ pages: 1600, offset: 800, rate: 800 }, workloadContext({ vmPages: 8192, scale: 8 })),
      {
        capacity: 512,
        until: 20e9,
        onOp: (_t, kind, target) => {
          if (kind === OpKind.Compute) return;
          touches++;
          touched.add(target);
        },
      },
    );
    // 100/s for 20 s: 2000 ± 45.
    expect(Math.abs(touches - 2000)).toBeLessThan(250);
    expect(touched.size).toBe(200);
    expect(Math.min(...touched)).toBe(100);
  });

  it('toucher passes over touch/R pages, its background of pages/R at rate/R', () => {
    let pass = 0;
    let background = 0;
    const options = { schedule: [{ at: 0, touch: 640 }], background: { pages: 80, rate: 1000 } };
    drive(toucher.create(options, workloadContext({ vmPages: 8192, scale: 10 })), {
      until: 10e9,
      onOp: (_t, kind, target) => {
        if (kind === OpKind.Compute) return;
        if (target < 64) pass++;
        else if (target < 72) background++;
        else throw new Error(`touched page ${target}`);
      },
    });
    expect(pass).toBe(10 * 64); // a pass a second
    // 100/s for 10 s: 1000 ± 32.
    expect(Math.abs(background - 1000)).toBeLessThan(160);
  });

  it('growing-heap grows rate/R pages a second, unrounded, up to max/R', () => {
    const frontier = (options: Record<string, unknown>, scale: number, at: number, vmPages = 1024) => {
      const heap = growingHeap.create(options, workloadContext({ vmPages, scale }));
      const batch = createOpBatch(4096);
      heap.fill(batch, 0);
      heap.fill(batch, at);
      return Math.max(...batch.target.subarray(0, batch.length)) + 1;
    };
    // 1000 pages/s at scale 64: 15.625/s, so 1000 pages after 64 s, 999 just before.
    expect(frontier({ rate: 1000, max: 64_000 }, 64, 64e9)).toBe(1000);
    expect(frontier({ rate: 1000, max: 64_000 }, 64, 63.99e9)).toBe(999);
    expect(frontier({ rate: 1000, max: 6400 }, 64, 640e9)).toBe(100);
    // A rate that is a fraction of the VM is of the full VM (4 × 1000 pages): 40/s, 10/s at scale 4.
    expect(frontier({ rate: 0.01, max: 0.5 }, 4, 10e9, 1000)).toBe(100);
  });

  it('phased computes R times longer per access, on regions of pages/R', () => {
    const workload = phased.create(
      { phases: [{ duration: '1s', offset: 400, pages: 400 }], offset: 800, compute: '1us' },
      workloadContext({ vmPages: 4096, scale: 4 }),
    );
    const batch = createOpBatch(1024);
    const n = workload.fill(batch, 0);
    const accesses = Array.from(batch.kind.subarray(0, n)).filter((k) => k !== OpKind.Compute).length;
    expect(accesses).toBe(250); // 1 ms of 4 µs accesses
    expect(batch.kind[n - 1]).toBe(OpKind.Compute);
    expect(batch.target[n - 1]).toBe(1e6);
    for (let i = 0; i < accesses; i++) {
      expect(batch.target[i]).toBeGreaterThanOrEqual(300);
      expect(batch.target[i]).toBeLessThan(400);
    }
  });

  it('buffer-pool caches pages/R blocks from dataBlock/R, its log of logSize/R right after', () => {
    const ops = collect(
      bufferPool.create({ pages: 3200, dataBlock: 1600, logSize: 640 }, workloadContext({ scale: 16 })),
      20,
    );
    const reads = new Set(targetsOf(ops, OpKind.FileRead));
    const log = new Set(targetsOf(ops, OpKind.FileWrite));
    expect(reads.size).toBe(200);
    expect([Math.min(...reads), Math.max(...reads)]).toEqual([100, 299]);
    expect(log.size).toBe(40);
    expect([Math.min(...log), Math.max(...log)]).toEqual([300, 339]);
  });

  it('file-server keeps its files, each fileSize/R blocks from firstBlock/R, its anonymous memory /R', () => {
    const options = {
      files: 10,
      fileSize: 64,
      requestSize: 16,
      firstBlock: 320,
      anonPages: 160,
      offset: 16,
    };
    const ops = collect(fileServer.create(options, workloadContext({ scale: 16 })), 10);
    const blocks = new Set(targetsOf(ops, OpKind.FileRead, OpKind.FileWrite));
    const anon = new Set(targetsOf(ops, OpKind.Read, OpKind.Write));
    expect(blocks.size).toBe(40);
    expect([Math.min(...blocks), Math.max(...blocks)]).toEqual([20, 59]);
    expect(anon.size).toBe(10);
    expect([Math.min(...anon), Math.max(...anon)]).toEqual([1, 10]);
  });
});
