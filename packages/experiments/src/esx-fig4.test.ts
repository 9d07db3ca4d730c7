import { describe, expect, it } from 'vitest';
import { esxFig4 } from './esx-fig4';

describe('esx-fig4', () => {
  it('shares about 67% and reclaims about 60% of 10 identical VMs; one VM reclaims 4.9 MB, half zero pages', async () => {
    const { figures, measurements } = await esxFig4.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    // Shared memory jumps from one VM to two, then grows by about the same each VM.
    const shared = measurements!.map((m) => m['shared MB'] as number);
    expect(shared[1]! - shared[0]!).toBeGreaterThan(2 * (shared[2]! - shared[1]!) - 10);
    const steps = shared.slice(2).map((s, i) => s - shared[i + 1]!);
    for (const step of steps) expect(step).toBeGreaterThan(20);
  }, 120_000);
});
