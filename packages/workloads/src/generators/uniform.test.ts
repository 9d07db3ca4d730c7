import { OpKind } from '@hvsim/spec';
import { contentOrigin, uniform } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, workloadContext } from './test-support';

describe('uniform', () => {
  it('spreads accesses evenly over [offset, offset + pages)', () => {
    const w = uniform.create({ pages: 100, offset: 1000 }, workloadContext());
    const ops = collect(w, 100, 1000);
    const counts = new Array<number>(100).fill(0);
    for (const vpn of ops.target) counts[vpn - 1000]!++;
    expect(Math.min(...ops.target)).toBe(1000);
    expect(Math.max(...ops.target)).toBe(1099);
    // 1000 expected per page, sd ≈ 31.
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });

  it.each([0, 0.25, 0.6, 1])('writes a fraction %d of its accesses', (writeFraction) => {
    const ops = collect(uniform.create({ pages: 50, writeFraction }, workloadContext()), 50, 1000);
    const writes = ops.kind.filter((k) => k === OpKind.Write).length;
    expect(ops.kind.every((k) => k === OpKind.Read || k === OpKind.Write)).toBe(true);
    expect(Math.abs(writes / ops.kind.length - writeFraction)).toBeLessThan(0.01);
  });

  it('takes sizes as pages, size strings or fractions of the VM', () => {
    const max = (pages: number | string) =>
      Math.max(...collect(uniform.create({ pages }, workloadContext({ vmPages: 10_000 })), 20, 1000).target);
    expect(max(0.25)).toBe(2499);
    expect(max('25%')).toBe(2499);
    expect(max('0.25')).toBe(2499);
    expect(max('4MiB')).toBe(1023);
    expect(max(300)).toBe(299);
    // Default: half the VM.
    expect(
      Math.max(...collect(uniform.create({}, workloadContext({ vmPages: 10_000 })), 20, 1000).target),
    ).toBe(4999);
  });

  it('writes the content its model gives', () => {
    const ops = collect(
      uniform.create({ pages: 10, writeFraction: 1, content: 'unique' }, workloadContext({ vm: 9 })),
      1,
      100,
    );
    expect(new Set(ops.content).size).toBe(100);
    for (const id of ops.content) expect(contentOrigin(id)).toEqual({ class: 'unique', vm: 9 });
  });

  it.each([
    [{ pages: 0 }, /pages: expected at least one page, got 0/],
    [{ pages: 1.5 }, /pages: expected a whole number of pages or a fraction of the VM in \(0, 1\), got 1.5/],
    [{ pages: '3KiB' }, /pages: expected a multiple of 4 KiB pages/],
    [{ pages: 'lots' }, /pages: expected a size such as "256MiB"/],
    [{ pages: '100%' }, /pages: expected a percentage of the VM between 0% and 100% exclusive/],
    [{ pages: true }, /pages: expected pages, a size such as "64MiB", or a fraction of the VM/],
    [{ writeFraction: 1.5 }, /writeFraction: expected a number (of at most|below) 1, got 1.5/],
    [{ offset: -1 }, /offset: expected a number (of at least|above) 0, got -1/],
  ])('rejects %j, naming the field', (options, message) => {
    expect(() => uniform.create(options as never, workloadContext())).toThrow(message);
  });
});
