import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistry, parseScenario } from '@hvsim/scenario';
import { afterAll, describe, expect, test } from 'vitest';
import { miniatureCheck } from './miniature-check';
import { miniatureSuite } from './miniature-suite.fixture';
import { formatMiniatureCheck } from './summary';
import { REPO } from './test-support';

// The acceptance for miniatures: on each scenario, at R = 16 and over seeds 1–3, every VM's mean
// allocated, swapped, shared and ballooned memory (and active estimate) within 5% of its configured memory
// of the full run's, and its throughput within 10%.
const dir = mkdtempSync(join(tmpdir(), 'hvsim-miniature-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenarios: Record<string, string> = {
  ...miniatureSuite(dir),
  'datacenter-8g': readFileSync(join(REPO, 'scenarios', 'datacenter-8g.yaml'), 'utf8'),
};

describe('miniatures at scale 16 against the full run, mean over seeds 1–3', () => {
  test.each(Object.keys(scenarios))(
    '%s',
    async (name) => {
      const loaded = await parseScenario(scenarios[name]!, name, defaultRegistry(), dir);
      const check = miniatureCheck(loaded, { scales: [16], seeds: [1, 2, 3] });
      expect(check.rows.length).toBeGreaterThan(0);
      expect(check.pass, formatMiniatureCheck(check)).toBe(true);
    },
    600_000,
  );
});
