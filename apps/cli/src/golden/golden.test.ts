import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '@hvsim/scenario';
import { describe, expect, it } from 'vitest';
import { DEMO_SCENARIO } from '../demo';
import { runScenario } from '../run';
import { FIXTURES } from '../test-support';

// Golden runs: a seed gives byte-identical outputs, so work on speed must leave these hashes as they are. A
// change that is meant to change results rewrites them with GOLDEN_UPDATE=1 and says why in its commit.

const GOLDEN = join(import.meta.dirname, 'golden-runs.json');
const FILES = ['metrics.csv', 'events.jsonl'] as const;

/** Small scenarios that between them take every path a run can: paging, ballooning, sharing, CMM2 hints. */
const SCENARIOS: Record<string, string> = {
  'demo (host paging, guest swap, double paging)': DEMO_SCENARIO,
  'small (two guests overcommitted 2x)': readFileSync(join(FIXTURES, 'small.yaml'), 'utf8'),
  'esx stack with content-based sharing and sampling': `
seed: 11
duration: 3s
host: { memory: 40MiB, swap: 128MiB, quantum: 2ms, metricInterval: 100ms }
policies: { stack: esx, rebalance: 500ms, sharing: content-based, shareScan: 100ms, shareBudget: 200 }
vms:
  - { name: web, count: 2, memory: 24MiB, guest: { kind: linux, bootTime: 100ms }, workload: { kind: zipf, pages: 0.6, content: mix }, detector: sampling }
  - { name: idle, memory: 16MiB, guest: { kind: windows, bootTime: 100ms }, workload: idle, detector: sampling }
`,
  'CMM2 page hints under host paging': `
seed: 5
duration: 2s
host: { memory: 24MiB, swap: 64MiB, quantum: 2ms, metricInterval: 100ms }
policies: { stack: cmm1, rebalance: 500ms, mechanisms: [host-swap] }
vms:
  - name: files
    count: 2
    memory: 16MiB
    guest: { kind: linux, bootTime: 100ms, pageHints: true, writeback: 500ms }
    workload: { kind: file-server, files: 48, fileSize: 256KiB, readFraction: 0.9, think: 1ms }
`,
};

async function hashes(text: string): Promise<Record<string, string>> {
  const out = mkdtempSync(join(tmpdir(), 'hvsim-golden-'));
  await runScenario(await parseScenario(text, 'golden'), { out, charts: false });
  return Object.fromEntries(
    FILES.map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(out, file)))
        .digest('hex'),
    ]),
  );
}

describe('golden runs', () => {
  it('every scenario writes byte-identical metrics and event logs to the recorded ones', async () => {
    const found: Record<string, Record<string, string>> = {};
    for (const [name, text] of Object.entries(SCENARIOS)) found[name] = await hashes(text);
    if (process.env['GOLDEN_UPDATE'] === '1') writeFileSync(GOLDEN, `${JSON.stringify(found, null, 2)}\n`);
    expect(found).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  }, 60_000);
});
