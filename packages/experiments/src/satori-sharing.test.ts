import { describe, expect, it } from 'vitest';
import { satoriSharing } from './satori-sharing';

describe('satori-sharing', () => {
  it('shares as clones read, ahead of a scanner by one to two passes; catches short-lived sharing; ≥ 90% of the oracle', async () => {
    const { figures, measurements } = await satoriSharing.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    // A step per clone after the first, each reached by Satori before the scanner.
    expect(measurements).toHaveLength(3);
    for (const m of measurements!)
      expect(m['Satori at 90% (s)']).toBeLessThan(m['scanner at 90% (s)'] as number);
  }, 120_000);
});
