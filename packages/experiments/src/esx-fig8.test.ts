import { describe, expect, it } from 'vitest';
import { reproduceFig8 } from './esx-fig8';

describe('esx-fig8', () => {
  // A miniature at R = 16 (each VM 4,096 to 5,120 pages), in a quarter of the full run's time.
  it('reproduces every figure: the boot storm shared before swapped, the reallocation, SQL Server idle and queried (a miniature at R = 16)', async () => {
    const { figures, chart } = await reproduceFig8(undefined, 16);
    expect(figures).toHaveLength(10);
    for (const f of figures) expect(f.pass, `${f.label}: ${f.simulated}`).toBe(true);
    const panels = JSON.parse(JSON.stringify(chart)).vconcat;
    expect(panels.map((p: { title: string }) => p.title)).toEqual([
      '(a) free-memory state',
      '(b) all VMs',
      '(c) Citrix MetaFrame server',
      '(d) SQL Server',
    ]);
    expect(JSON.stringify(panels[3])).toContain('balloon (published)');
  }, 60_000);
});
