import { describe, expect, it } from 'vitest';
import { esxFig2 } from './esx-fig2';

describe('esx-fig2', () => {
  it('reproduces ESX Figure 2: ballooned within a few percent of configured, throughput concave in memory', async () => {
    const { figures, chart } = await esxFig2.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    expect(figures).toHaveLength(7);
    expect(JSON.stringify(chart)).toContain('ballooned (published)');
  }, 300_000); // 7 runs of 6 simulated minutes: about 30 s alone, several times that beside other suites
});
