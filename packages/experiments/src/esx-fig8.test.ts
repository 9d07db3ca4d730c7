import { describe, expect, it } from 'vitest';
import { reproduceFig8 } from './esx-fig8';

/**
 * The figures the model does not reproduce, on every seed and at every scale tried (see FIG8_SCENARIO's
 * comment for why): after the boot storm the host falls to hard twice, as the benchmarks start and as SQL
 * Server's long query starts, and pages at once what it needs; shared memory stays under the paper's; and SQL
 * Server stays where its first queries left it, as nothing is reclaimed in the high state. Should one of them
 * pass one day, say why in the scenario's comment and take it off this list.
 */
const DOES_NOT_REPRODUCE = [
  'paged out over the rest of the run (the paper: under 20 MB, +10)',
  'memory shared over 45–90 min, on average',
  'SQL Server allocation over 22–46 min, idle at its minimum',
  'falls to hard or low after the boot storm (its first 5 min)',
];

describe('esx-fig8', () => {
  // A miniature at R = 16 (each VM 4,096 to 5,120 pages), in a third of the full run's time; on seeds 1–5 its
  // figures are within 10 MiB of the full run's on average and pass and fail alike, but for seed 4's long
  // query (240 MiB, on the bound).
  it('reproduces the boot storm, shared before swapped, and SQL Server’s long query (a miniature at R = 16)', async () => {
    const { figures, chart } = await reproduceFig8(undefined, 16);
    expect(figures).toHaveLength(10);
    for (const f of figures) expect(f.pass, f.label).toBe(!DOES_NOT_REPRODUCE.includes(f.label));
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
