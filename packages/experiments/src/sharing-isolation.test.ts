import { describe, expect, it } from 'vitest';
import { sharingIsolation } from './sharing-isolation';

describe('sharing-isolation', () => {
  it('a VM that shares nothing keeps exactly its memory and misses; the writer’s share breaks are repaid by the clones', async () => {
    const { figures, measurements, chart } = await sharingIsolation.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    const [off, satori] = measurements!;
    // Satori's savings went to the clones as memory, and breaking shares made them repay some of it.
    expect(satori!['clones resident MiB (end)']).toBeGreaterThan(off!['clones resident MiB (end)'] as number);
    expect(satori!['pages repaid']).toBeGreaterThan(0);
    expect(JSON.stringify(chart)).toContain('loner, Satori (simulated)');
  }, 120_000);
});
