import { defineWorkload } from '@hvsim/spec';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { scenarioJsonSchema } from './json-schema';
import { defaultRegistry } from './registry';

const validator = (schema: object) => new Ajv2020({ strict: false, allErrors: true }).compile(schema);
const validate = validator(scenarioJsonSchema());
const valid = (yaml: string) => validate(parse(yaml));

const scenario = (vm: string, policies = '{}') => `
host: { memory: 64MiB }
policies: ${policies}
vms:
  - { name: a, memory: 16MiB, ${vm} }
`;

type Node = { anyOf?: Node[]; enum?: string[]; properties?: Record<string, Node>; const?: string };

const slot = (path: string[]): Node =>
  path.reduce<Node>(
    (node, key) => (key === '[]' ? (node as { items: Node }).items : node.properties![key]!),
    scenarioJsonSchema() as Node,
  );

describe('the JSON Schema of scenario files', () => {
  test('lists every kind of each slot, by `kind`, and the shorthand of kinds that need no options', () => {
    const registry = defaultRegistry().list();
    const guest = slot(['vms', '[]', 'guest']);
    const kinds = guest.anyOf!.slice(1).map((branch) => branch.properties!['kind']!.const);
    expect(kinds).toEqual(registry.filter((d) => d.contract === 'guest-os@1').map((d) => d.name));
    expect(guest.anyOf![0]!.enum).toEqual(['linux', 'windows']);
    const sharing = slot(['policies', 'sharing']);
    expect(sharing.anyOf![0]!.enum).toEqual(expect.arrayContaining(['content-based', 'ksm', 'satori']));
  });

  test("carries each kind's options with descriptions and defaults", () => {
    const zipf = slot(['vms', '[]', 'workload']).anyOf!.find(
      (b) => b.properties?.['kind']?.const === 'zipf',
    )!;
    expect(zipf.properties!['alpha']).toMatchObject({ type: 'number', description: expect.any(String) });
    expect(zipf.properties!['alpha']).toHaveProperty('default');
  });

  test('accepts good scenarios: shorthand, objects with options, stacks and policies', () => {
    expect(valid(scenario('guest: windows, workload: idle'))).toBe(true);
    expect(
      valid(
        scenario(
          'guest: { kind: linux, bootTime: 5s, balloon: { limit: 0.5 } }, workload: { kind: zipf, alpha: 0.9 }, detector: sampling',
          '{ stack: esx, sharing: { kind: content-based, salting: vm }, mechanisms: [balloon, { kind: host-swap }] }',
        ),
      ),
    ).toBe(true);
  });

  test('refuses misspelt options, nested ones and misspelt kinds, as the loader does', () => {
    expect(valid(scenario('workload: { kind: zipf, alpah: 0.5 }'))).toBe(false);
    expect(valid(scenario('guest: { kind: linux, bootTim: 5s }, workload: idle'))).toBe(false);
    expect(valid(scenario('guest: { kind: linux, balloon: { limt: 1 } }, workload: idle'))).toBe(false);
    expect(valid(scenario('guest: linx, workload: idle'))).toBe(false);
    expect(valid(scenario('workload: { kind: zpf }'))).toBe(false);
    expect(valid(scenario('workload: idle', '{ sharing: { kind: ksm, pagesToScn: 1 } }'))).toBe(false);
    expect(valid(scenario('workload: idle, colour: blue'))).toBe(false);
  });

  test("a plugin's kinds and options join it", () => {
    const registry = defaultRegistry();
    registry.register(
      defineWorkload({
        name: 'bursty',
        description: 'bursts of touches',
        options: z.object({ burst: z.number().int().positive().default(8).describe('touches a burst') }),
        create: () => ({ contract: 'workload@1', name: 'bursty', fill: () => 0 }),
      }),
    );
    const withPlugin = validator(scenarioJsonSchema(registry));
    expect(withPlugin(parse(scenario('workload: { kind: bursty, burst: 4 }')))).toBe(true);
    expect(withPlugin(parse(scenario('workload: { kind: bursty, brust: 4 }')))).toBe(false);
    expect(valid(scenario('workload: bursty'))).toBe(false);
  });
});
