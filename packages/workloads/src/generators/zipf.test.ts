import { OpKind } from '@hvsim/spec';
import { zipf, zipfPmf } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { collect, workloadContext } from './test-support';

describe('zipf', () => {
  const pages = 1000;
  const ops = collect(zipf.create({ pages, offset: 500, alpha: 0.99 }, workloadContext()), 200, 1000);
  const counts = new Map<number, number>();
  for (const vpn of ops.target) counts.set(vpn, (counts.get(vpn) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);

  it('stays in [offset, offset + pages)', () => {
    for (const vpn of counts.keys()) {
      expect(vpn).toBeGreaterThanOrEqual(500);
      expect(vpn).toBeLessThan(1500);
    }
  });

  it('gives pages the Zipf frequencies, by rank', () => {
    const pmf = zipfPmf(pages, 0.99);
    const total = ops.target.length;
    for (let k = 0; k < 5; k++) {
      const p = pmf[k]!;
      expect(Math.abs(ranked[k]![1] / total - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / total));
    }
    const top100 = ranked.slice(0, 100).reduce((a, [, c]) => a + c, 0) / total;
    const mass100 = pmf.slice(0, 100).reduce((a, b) => a + b, 0);
    expect(Math.abs(top100 - mass100)).toBeLessThan(0.01);
  });

  it('scatters the hot pages over the working set', () => {
    const hot = ranked.slice(0, 20).map(([vpn]) => vpn - 500);
    // Packed at the start, the 20 hottest would be pages 0–19.
    expect(hot.filter((p) => p < 20).length).toBeLessThan(5);
    expect(Math.max(...hot)).toBeGreaterThan(500);
  });

  it('writes its write fraction', () => {
    const writes = ops.kind.filter((k) => k === OpKind.Write).length;
    expect(Math.abs(writes / ops.kind.length - 0.25)).toBeLessThan(0.01);
  });

  it('with alpha 0 is uniform', () => {
    const flat = collect(zipf.create({ pages: 10, alpha: 0 }, workloadContext()), 20, 1000);
    const c = new Array<number>(10).fill(0);
    for (const vpn of flat.target) c[vpn]!++;
    for (const n of c) expect(Math.abs(n - 2000)).toBeLessThan(250);
  });

  it('rejects a bad exponent, naming it', () => {
    expect(() => zipf.create({ alpha: -1 }, workloadContext())).toThrow(
      /zipf\.options: alpha: expected a number (of at least|above) 0, got -1/,
    );
  });
});
