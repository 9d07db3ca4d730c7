import { fc, test } from '@fast-check/vitest';
import { checkOptions } from '@hvsim/spec';
import { describe, expect } from 'vitest';
import { parseScenario } from './load';
import { defaultRegistry } from './registry';
import { ScenarioError } from './scenario-error';

// Regression: the per-kind options were loose, so a misspelt option was dropped and its default used.

async function problems(text: string): Promise<{ path: string; message: string }[]> {
  const error = await parseScenario(text, 'test.yaml').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return [...(error as ScenarioError).issues];
}

const scenario = (vm: string, policies = '{}') => `
host: { memory: 64MiB, swap: 64MiB }
policies: ${policies}
vms:
  - { name: a, memory: 16MiB, ${vm} }
`;

describe('every kind holds its options strictly', () => {
  test("a misspelt workload option is refused with the kind's nearest option", async () => {
    expect(await problems(scenario('workload: { kind: zipf, alpah: 0.5 }'))).toEqual([
      { path: 'vms[0].workload.alpah', message: 'zipf has no option "alpah"; did you mean "alpha"?' },
    ]);
  });

  test('a misspelt guest option, nested or not, is refused', async () => {
    expect(
      await problems(scenario('guest: { kind: linux, bootTim: 5s, balloon: { limt: 0.5 } }, workload: idle')),
    ).toEqual([
      { path: 'vms[0].guest.bootTim', message: 'linux has no option "bootTim"; did you mean "bootTime"?' },
      {
        path: 'vms[0].guest.balloon.limt',
        message: `linux's balloon has no option "limt"; did you mean "limit"?`,
      },
    ]);
  });

  test('detectors, observers and every policy slot are held to the same rule', async () => {
    const found = await problems(
      scenario(
        'workload: idle, detector: { kind: sampling, perod: 1s }, observers: [{ kind: oracle, x: 1 }]',
        '{ stack: esx, sharing: { kind: content-based, saltng: vm }, mechanisms: [{ kind: balloon, rat: 1 }] }',
      ),
    );
    expect(found.map((p) => p.path)).toEqual([
      'vms[0].detector.perod',
      'vms[0].observers[0].x',
      'policies.sharing.saltng',
      'policies.mechanisms[0].rat',
    ]);
    expect(found[1]!.message).toBe('oracle has no option "x"; expected one of window');
  });

  test('a well-spelt scenario still loads', async () => {
    await expect(
      parseScenario(
        scenario('guest: { kind: linux, bootTime: 5s }, workload: { kind: zipf, alpha: 0.5 }'),
        't',
      ),
    ).resolves.toBeDefined();
  });

  const definitions = defaultRegistry().list();
  const names = definitions.map((d) => `${d.contract} ${d.name}`);
  const key = fc
    .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,11}$/)
    .filter((k) => !['__proto__', 'constructor'].includes(k));

  test.prop([fc.constantFrom(...names), key])(
    'any key a registered kind does not declare is refused, and named',
    (kind, name) => {
      const definition = definitions[names.indexOf(kind)]!;
      fc.pre(!(name in ((definition.options as { shape?: object }).shape ?? {})));
      const checked = checkOptions(definition, { [name]: 1 });
      expect(checked.success).toBe(false);
      if (checked.success) return;
      const issue = checked.issues.find((i) => i.path.join('.') === name);
      expect(issue?.message).toMatch(new RegExp(`^${definition.name} has no option "${name}"`));
    },
  );
});
