import { describe, expect, it } from 'vitest';
import { sharingSideChannel } from './sharing-side-channel';

describe('sharing-side-channel', () => {
  it('finds the victim’s page well above chance without salting, and at chance with salting', async () => {
    const { figures, measurements, chart } = await sharingSideChannel.run();
    for (const f of figures) expect(f, f.label).toMatchObject({ pass: true });
    // Salting confines sharing to a domain, not a VM: an attacker in the victim's domain still learns it.
    const sameDomain = measurements!.find(
      (m) => m['victim, attacker domains'] === 'victim, victim' && m['salting'] === 'domains',
    );
    expect(sameDomain!['accuracy %']).toBeGreaterThan(50);
    expect(JSON.stringify(chart)).toContain('chance (expected with salting)');
  }, 15_000);
});
