import { describe, expect, it } from 'vitest';
import { esxFig6 } from './esx-fig6';

describe('esx-fig6', () => {
  it('reproduces ESX Figure 6: up within a period, down at 0.75 per period, above by the background, the ZPT spike', async () => {
    const { figures, chart } = await esxFig6.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    expect(figures).toHaveLength(4);
    expect(JSON.stringify(chart)).toContain('estimate (published)');
  }, 60_000);
});
