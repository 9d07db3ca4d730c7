import { describe, expect, it } from 'vitest';
import { mebBalance } from './meb-balance';

describe('meb-balance', () => {
  it('beats the even split by 1.5× on complementary demands, matches it when all fits', async () => {
    const { figures, chart } = await mebBalance.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    const [complementary, fits] = figures;
    expect(complementary!.simulated).toBeGreaterThan(1.5);
    expect(Math.abs(fits!.simulated - 1)).toBeLessThanOrEqual(0.05);
    expect(JSON.stringify(chart)).toContain('even split (simulated)');
  }, 120_000);
});
