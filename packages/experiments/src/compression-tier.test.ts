import { describe, expect, it } from 'vitest';
import { compressionTier } from './compression-tier';

describe('compression-tier', () => {
  it('cuts swap I/O and raises throughput with compressible contents; costs no more than its time with random ones', async () => {
    const { figures, chart } = await compressionTier.run();
    expect(figures).toHaveLength(3);
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true, bound: 'above' });
    const [saved, speedup] = figures;
    // Not marginal: a fault on a compressed page costs 10 µs, on a swapped one 8 ms.
    expect(saved!.simulated).toBeGreaterThan(0.25);
    expect(speedup!.simulated).toBeGreaterThan(10);
    expect(JSON.stringify(chart)).toContain('compression before swap (simulated)');
  }, 30_000);
});
