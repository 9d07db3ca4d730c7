import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cmmScenario,
  compressionTierScenario,
  doublePagingScenario,
  esxFig2Scenario,
  FIG6_SCENARIO,
  FIG7_SCENARIO,
  FIG8_SCENARIO,
  fig4Scenario,
  mebScenario,
  satoriShortLived,
  satoriStaircase,
  sharingIsolationScenario,
} from '@hvsim/experiments';
import { parseScenario, scenarioJsonSchema } from '@hvsim/scenario';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { main } from './cli';
import { DEMO_SCENARIO } from './demo';
import { SCORE_SCENARIO } from './score';
import { capture, FIXTURES, REPO } from './test-support';

/** Every scenario the repository holds: the embedded ones, the experiments' in each variant, the fixtures. */
const SCENARIOS: Record<string, string> = {
  demo: DEMO_SCENARIO,
  score: SCORE_SCENARIO,
  ...Object.fromEntries(
    (['none', 'cmm1', 'cmm2'] as const).map((mode) => [`cmm-overcommit ${mode}`, cmmScenario(mode, 6)]),
  ),
  'compression-tier host-swap': compressionTierScenario('host-swap', 0.6),
  'compression-tier compression': compressionTierScenario('compression', 0.6),
  'double-paging random': doublePagingScenario('random', 1),
  'double-paging lru': doublePagingScenario('lru', 1),
  'esx-fig2': esxFig2Scenario(256),
  'esx-fig4': fig4Scenario(4),
  'esx-fig6': FIG6_SCENARIO,
  'esx-fig7': FIG7_SCENARIO,
  'esx-fig8': FIG8_SCENARIO,
  'meb-balance meb': mebScenario('meb', '26MiB'),
  'meb-balance even': mebScenario('even', '26MiB'),
  'satori staircase': satoriStaircase('satori'),
  'satori short-lived ksm': satoriShortLived('{ kind: ksm, pagesToScan: 100, sleepMillisecs: 100 }'),
  'sharing-isolation': sharingIsolationScenario('satori'),
  ...Object.fromEntries(
    readdirSync(FIXTURES)
      .filter((file) => file.endsWith('.yaml') && file !== 'broken.yaml')
      .map((file) => [file, readFileSync(join(FIXTURES, file), 'utf8')]),
  ),
  ...Object.fromEntries(
    readdirSync(join(REPO, 'scenarios')).map((file) => [
      `scenarios/${file}`,
      readFileSync(join(REPO, 'scenarios', file), 'utf8'),
    ]),
  ),
};

describe('hvsim schema', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(scenarioJsonSchema());

  test.each(Object.entries(SCENARIOS))(
    'accepts the scenario %s, which the loader accepts too',
    async (_, text) => {
      await expect(parseScenario(text, 'repo')).resolves.toBeDefined();
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  test('prints the schema the scenario package builds', async () => {
    const io = capture();
    expect(await main(['schema'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join(''))).toEqual(scenarioJsonSchema());
  });

  test("takes plugins' kinds and options with --plugin, paths from where the command was typed", async () => {
    const io = capture(REPO);
    const out = io.stdout;
    expect(await main(['schema', '--plugin', 'examples/plugin/src/index.ts'], io)).toBe(0);
    const withPlugin = new Ajv2020({ strict: false }).compile(JSON.parse(out.join('')));
    const bursty =
      '{ host: { memory: 64MiB }, vms: [{ name: a, memory: 16MiB, workload: { kind: bursty } }] }';
    expect(withPlugin(parse(bursty))).toBe(true);
    expect(validate(parse(bursty))).toBe(false);
    out.length = 0;
    expect(await main(['list', '--json', '--plugin', 'examples/plugin/src/index.ts'], io)).toBe(0);
    expect(JSON.parse(out.join('')).map((d: { name: string }) => d.name)).toContain('bursty');
    await expect(main(['schema', '--plugin', 'nowhere.mjs'], io)).rejects.toThrow(
      /^--plugin: cannot load nowhere\.mjs/,
    );
  });
});
