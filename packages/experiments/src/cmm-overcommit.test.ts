import { describe, expect, it } from 'vitest';
import { cmmOvercommit } from './cmm-overcommit';

describe('cmm-overcommit', () => {
  it('CMM2 needs the fewest host I/Os at high overcommitment; at 1.0× the three run alike', async () => {
    const { figures, measurements, chart } = await cmmOvercommit.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    const io = (mode: string, overcommitment: number) =>
      measurements!.find((m) => m['mode'] === mode && m['overcommitment'] === overcommitment)!['hostIo'];
    for (const ratio of [2, 2.5]) {
      expect(io('cmm2', ratio)).toBeLessThan(io('cmm1', ratio) as number);
      expect(io('cmm1', ratio)).toBeLessThan(io('none', ratio) as number);
    }
    expect(JSON.stringify(chart)).toContain('cmm2 (simulated)');
  }, 180_000);
});
