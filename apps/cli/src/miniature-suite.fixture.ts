import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIG7_SCENARIO, fig4Scenario, mebScenario, miniatureCheck } from '@hvsim/experiments';
import { defaultRegistry, parseScenario } from '@hvsim/scenario';
import { createRandom } from '@hvsim/spec';
import { afterAll, expect, test } from 'vitest';
import { DEMO_SCENARIO } from './demo';
import { formatMiniatureCheck } from './summary';
import { REPO } from './test-support';

/**
 * A valgrind-lackey trace of a program-like run, written to `path`: instruction fetches over a code segment
 * of 2048 pages, stack stores over 64 pages, and loads and stores over a heap of `heapPages` pages, each
 * region's popularity falling off as a power of the page's rank (a hot part, a long tail); `records` heap
 * accesses in all. Each region spans hundreds of pages or more, as a real program's do: a miniature's
 * spatial sample then holds a fair share of each (see the README on traces whose references fall on a few
 * pages).
 */
export function writeLackeyTrace(path: string, heapPages: number, records: number, seed = 1): void {
  const random = createRandom(seed);
  const hex = (page: number, offset: number) => (page * 4096 + offset).toString(16).padStart(8, '0');
  // A page of a region of `pages` pages: rank u^power, so the first pages are the hottest.
  const skewed = (base: number, pages: number, power: number) =>
    base + Math.floor(pages * random.nextFloat() ** power);
  const lines: string[] = ['==1== Lackey, an example Valgrind tool'];
  for (let r = 0; r < records; r++) {
    lines.push(`I  ${hex(skewed(0x401, 2048, 1.5), random.nextInt(4000))},4`);
    lines.push(
      `${random.nextFloat() < 0.3 ? ' S' : ' L'} ${hex(skewed(0x10000, heapPages, 1.5), 8 * random.nextInt(500))},8`,
    );
    if (r % 4 === 0) lines.push(` S ${hex(skewed(0x1fff000, 64, 1), 8 * random.nextInt(500))},8`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/**
 * A host whose trace VM replays a lackey trace (written to `dir` first) beside a Zipf VM, 1.4x overcommitted
 * with the ESX stack: sampling, ballooning and host paging share the host between them.
 */
export function lackeyScenario(dir: string): string {
  const trace = join(dir, 'program.lackey');
  writeLackeyTrace(trace, 24_576, 200_000);
  return `
name: a VM replaying a lackey trace beside a Zipf VM, ESX stack
seed: 1
duration: 20s
host: { memory: 144MiB, swap: 512MiB, metricInterval: 250ms }
policies: { stack: esx, rebalance: 1s }
vms:
  - name: trace
    memory: 128MiB
    guest: { kind: linux, bootTime: 100ms }
    workload: { kind: trace, format: lackey, path: ${JSON.stringify(trace)}, loop: true }
    detector: { kind: sampling, period: 2s }
  - name: zipf
    memory: 64MiB
    guest: { kind: linux, bootTime: 100ms }
    workload: { kind: zipf, pages: 0.8, alpha: 0.8 }
    detector: { kind: sampling, period: 2s }
`;
}

/**
 * The scenarios the miniatures are checked on, by name: the text of each (the papers' setups cut short), made when
 * asked for, so that a file that checks other scenarios does not write the lackey trace.
 */
export const miniatureSuite = (dir: string): Record<string, () => string> => ({
  demo: () => DEMO_SCENARIO,
  'esx-fig7': () => FIG7_SCENARIO.replace('duration: 65min', 'duration: 15min'),
  'esx-fig4': () => fig4Scenario(10),
  'meb-balance': () => mebScenario('meb', '26MiB'),
  lackey: () => lackeyScenario(dir),
  'datacenter-8g': () => readFileSync(join(REPO, 'scenarios', 'datacenter-8g.yaml'), 'utf8'),
});

/**
 * The acceptance for miniatures, one test per scenario named: at R = 16 and over seeds 1–3, every
 * VM's mean allocated, swapped, shared and ballooned memory and active estimate within 5% of its configured
 * memory of the full run's, and its throughput within 10%. A failure prints the whole comparison.
 */
export function testMiniaturesOf(names: readonly string[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'hvsim-miniature-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const suite = miniatureSuite(dir);
  test.each(names)(
    '%s: miniatures at scale 16 against the full run, mean over seeds 1–3',
    async (name) => {
      const loaded = await parseScenario(suite[name]!(), name, defaultRegistry(), dir);
      const check = miniatureCheck(loaded, {
        scales: [16],
        seeds: [1, 2, 3],
        wallClock: () => performance.now(),
      });
      expect(check.rows.length).toBeGreaterThan(0);
      expect(check.pass, formatMiniatureCheck(check)).toBe(true);
    },
    600_000,
  );
}
