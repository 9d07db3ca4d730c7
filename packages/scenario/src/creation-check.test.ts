import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { creationProblems } from './creation-check';
import { loadScenario, parseScenario } from './load';

const HOST = 'host: { memory: 64MiB, swap: 64MiB }\n';

describe('creating what a run would create, without running', () => {
  it('finds a trace file that is missing, named by the VM entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creation-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `${HOST}vms:\n  - { name: a, memory: 4MiB, workload: idle }\n  - { name: b, count: 2, memory: 4MiB, workload: { kind: trace, format: txt, path: gone.txt } }\n`,
    );
    const problems = creationProblems(await loadScenario(file));
    expect(problems).toEqual([
      { path: 'vms[1].workload', message: expect.stringContaining(join(dir, 'gone.txt')) },
    ]);
    expect(problems[0]!.message).toMatch(/no such trace file/);
  });

  it('finds nothing wrong with a scenario that runs, policies and sharing included', async () => {
    const loaded = await parseScenario(
      `${HOST}policies: { stack: esx, sharing: content-based }\nvms:\n  - { name: a, memory: 4MiB, workload: { kind: zipf, pages: 0.5 } }\n`,
      's.yaml',
    );
    expect(creationProblems(loaded)).toEqual([]);
  });
});
