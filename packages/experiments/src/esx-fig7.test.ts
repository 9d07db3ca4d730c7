import { describe, expect, it } from 'vitest';
import { esxFig7 } from './esx-fig7';

describe('esx-fig7', () => {
  it('reproduces ESX Figure 7: 179 / 179 at τ = 0, 101 / 243 within about a minute of τ = 0.75, VM2 faster', async () => {
    const { figures, chart } = await esxFig7.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    expect(figures).toHaveLength(7);
    expect(JSON.stringify(chart)).toContain('VM2 dbench (published)');
  }, 120_000);
});
