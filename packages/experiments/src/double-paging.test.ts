import { describe, expect, it } from 'vitest';
import { doublePaging } from './double-paging';

describe('double-paging', () => {
  it('shows more double paging under LRU and CLOCK host replacement than under random', async () => {
    const { figures, chart } = await doublePaging.run();
    expect(figures).toHaveLength(2);
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true, bound: 'above' });
    // Not a marginal effect: recency on both levels pages the same pages.
    for (const f of figures) expect(f.simulated, f.label).toBeGreaterThan(1.2);
    expect(JSON.stringify(chart)).toContain('CLOCK host victims (simulated)');
  }, 60_000);
});
