import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHost } from '@hvsim/host';
import { checkInvariants } from '@hvsim/machine';
import type { TransparentSharing } from '@hvsim/sharing';
import { cmmOf, parsePages, time } from '@hvsim/spec';
import { describe, expect, it, vi } from 'vitest';
import { scenarioJsonSchema } from './json-schema';
import { loadScenario, parseScenario, parseScenarioWith } from './load';
import { defaultRegistry } from './registry';
import { ScenarioError } from './scenario-error';
import { vmSchema } from './schema';

const require = createRequire(import.meta.url);

const GOOD = `
name: two kinds of VM
seed: 5
duration: 50ms
host:
  memory: 64MiB
  swap: 128MiB
  quantum: 1ms
vms:
  - name: web
    count: 2
    memory: 16MiB
    overhead: 1MiB
    shareDomain: tenant-a
    guest: { kind: linux, bootTime: 5ms }
    workload: { kind: zipf, pages: 0.5, alpha: 1.1 }
  - name: desktop
    memory: 16MiB
    guest: windows
    workload: idle
    powerOn: 10ms
`;

async function problems(text: string): Promise<{ path: string; message: string }[]> {
  try {
    await parseScenario(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return [...(error as ScenarioError).issues];
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario files', () => {
  it('turn into a host configuration, with sizes in pages and copies named', async () => {
    const { host, duration, scenario } = await parseScenario(GOOD, 'good.yaml');
    expect(duration).toBe(time.ms(50));
    expect(scenario.name).toBe('two kinds of VM');
    expect(host.frames).toBe(parsePages('64MiB'));
    expect(host.swapPages).toBe(parsePages('128MiB'));
    expect(host.quantum).toBe(time.ms(1));
    expect(host.vms.map((v) => v.name)).toEqual(['web1', 'web2', 'desktop']);
    expect(host.vms[0]).toMatchObject({ pages: 4096, overheadPages: 256 });
    expect(host.vms[0]!.workload.definition.name).toBe('zipf');
    expect(host.vms[0]!.workload.options).toEqual({ pages: 0.5, alpha: 1.1 });
    expect(host.vms[2]!.guest.definition.name).toBe('windows');
    expect(host.vms[2]!.powerOn).toBe(time.ms(10));
    expect(host.vms.map((v) => v.shareDomain)).toEqual(['tenant-a', 'tenant-a', undefined]);
  });

  it('ask for invariant checks with `checks: { invariants: true }` (off by default), and refuse a wrong value', async () => {
    expect((await parseScenario(GOOD, 'good.yaml')).host.checkInvariants).toBeUndefined();
    const { host } = await parseScenario(`${GOOD}checks: { invariants: true }\n`, 'checked.yaml');
    expect(host.checkInvariants).toBe(true);
    expect(await problems(`${GOOD}checks: { invariants: yes please }\n`)).toEqual([
      { path: 'checks.invariants', message: 'expected true or false, got "yes please"' },
    ]);
    expect(await problems(`${GOOD}checks: { invariant: true }\n`)).toEqual([
      {
        path: 'checks.invariant',
        message: `the scenario's checks has no field "invariant"; did you mean "invariants"?`,
      },
    ]);
  });

  it('give shares by level, per MiB of memory as ESX does (normal by default), or as a number', async () => {
    const { host } = await parseScenario(
      `host: { memory: 64MiB, swap: 64MiB }\nvms:\n  - { name: a, memory: 4MiB, workload: idle }\n  - { name: b, memory: 4MiB, shares: high, workload: idle }\n  - { name: c, memory: 2MiB, shares: 0, workload: idle }`,
      's.yaml',
    );
    expect(host.vms.map((v) => v.shares)).toEqual([40, 80, 0]);
    const found = await problems(
      `host: { memory: 64MiB, swap: 64MiB }\nvms: [{ name: a, memory: 4MiB, shares: lots, workload: idle }]`,
    );
    expect(found.map((p) => p.path)).toEqual(['vms[0].shares']);
  });

  it('run in a host', async () => {
    const { host: config, duration } = await parseScenario(GOOD, 'good.yaml');
    const host = createHost(config);
    host.run(duration);
    expect(host.stats().vms.every((v) => v.poweredOn)).toBe(true);
    expect(host.stats().ops).toBeGreaterThan(0);
  });

  it('may be JSON', async () => {
    const json = JSON.stringify({
      duration: '1s',
      host: { memory: '8MiB', swap: '8MiB' },
      vms: [{ name: 'a', memory: '4MiB', workload: 'uniform' }],
    });
    expect((await parseScenario(json, 'a.json')).host.vms).toHaveLength(1);
  });

  it('name the path and what was expected for every problem at once', async () => {
    const found = await problems(`
duration: soon
host: { memory: lots }
vms:
  - name: a
    memory: 4MiB
    workload: { kind: zipf, pages: -3 }
  - name: b
    memory: 4MiB
    guest: beos
    workload: { kind: nonsense }
    colour: blue
`);
    const paths = found.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['duration', 'host.memory', 'vms[1].colour']));
    expect(found.find((p) => p.path === 'host.memory')!.message).toMatch(/"256MiB"/);
    expect(found.find((p) => p.path === 'vms[1].colour')!.message).toBe(
      `the scenario's vms[1] has no field "colour"; expected one of ${Object.keys(vmSchema.shape).join(', ')}`,
    );
  });

  it('name an unknown kind with the known ones, and a bad option by its path', async () => {
    const found = await problems(`
host: { memory: 8MiB, swap: 8MiB }
vms:
  - { name: a, memory: 4MiB, workload: { kind: zipf, pages: -3 } }
  - { name: b, memory: 4MiB, guest: beos, workload: { kind: nonsense } }
`);
    expect(found.map((p) => p.path)).toEqual([
      'vms[0].workload.pages',
      'vms[1].guest.kind',
      'vms[1].workload.kind',
    ]);
    expect(found[1]!.message).toMatch(/no guest-os@1 named "beos"; known: linux, windows/);
    expect(found[2]!.message).toMatch(/known: .*zipf/);
  });

  it('refuse duplicate VM names, including copies', async () => {
    const found = await problems(`
host: { memory: 8MiB, swap: 8MiB }
vms:
  - { name: a1, memory: 1MiB, workload: idle }
  - { name: a, count: 2, memory: 1MiB, workload: idle }
`);
    expect(found).toEqual([{ path: 'vms', message: 'two VMs are named "a1"' }]);
  });

  it('refuse a cost the machine does not have, rather than ignore it', async () => {
    const found = await problems(
      'host: { memory: 8MiB, costs: { swapin: 5000000, access: -1 } }\nvms: [{ name: a, memory: 1MiB, workload: idle }]',
    );
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining(['host.costs.swapin', 'host.costs.access']),
    );
    expect(found.find((p) => p.path === 'host.costs.swapin')!.message).toBe(
      `the scenario's host.costs has no field "swapin"; did you mean "swapIn"?`,
    );
  });

  it('refuse a key that is itself a list, by its path, without a process warning', async () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const found = await problems(`${GOOD}? [a, b]\n: 1\n`);
    expect(found).toEqual([
      { path: '["[ a, b ]"]', message: expect.stringMatching(/^the scenario has no field/) },
    ]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('report a YAML syntax error by line', async () => {
    const found = await problems('host: { memory: 8MiB\nvms: [');
    expect(found[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it("find a plugin given by package name in the scenario's own project, not in hvsim's", async () => {
    const project = mkdtempSync(join(tmpdir(), 'scenario-project-'));
    const pkg = join(project, 'node_modules', 'hvsim-plugin-idle');
    mkdirSync(pkg, { recursive: true });
    // The project has its own zod, as a user's would; the plugin is a definition written out by hand.
    symlinkSync(dirname(require.resolve('zod/package.json')), join(project, 'node_modules', 'zod'));
    writeFileSync(join(pkg, 'package.json'), '{ "name": "hvsim-plugin-idle", "main": "index.mjs" }');
    writeFileSync(
      join(pkg, 'index.mjs'),
      `import { z } from 'zod';
export const still = {
  contract: 'workload@1',
  name: 'still',
  description: 'does nothing',
  options: z.object({}),
  create: () => ({ contract: 'workload@1', name: 'still', fill: () => 0 }),
};
`,
    );
    const file = join(project, 's.yaml');
    writeFileSync(
      file,
      'host: { memory: 8MiB, swap: 8MiB }\nplugins: [hvsim-plugin-idle]\nvms:\n  - { name: p, memory: 1MiB, workload: still }\n',
    );
    const loaded = await loadScenario(file);
    expect(loaded.host.vms[0]!.workload.definition.name).toBe('still');
  });

  it('refuse more copies of a VM than a host could run, before building them', async () => {
    // Found by fuzzing: count 2^31 validated, building 2^31 VM names until the heap ran out.
    const found = await problems(
      'host: { memory: 16MiB, swap: 16MiB }\nvms: [{ name: a, count: 2147483648, memory: 4MiB, workload: idle }]',
    );
    expect(found).toEqual([{ path: 'vms[0].count', message: expect.stringMatching(/at most 10000/) }]);
  });

  it('report an alias without its anchor, and too many aliases, as problems of the file', async () => {
    // Found by fuzzing: yaml resolves aliases only when the document is turned into values, and threw there.
    expect(await problems('<<: *a')).toEqual([
      { path: '(file)', message: expect.stringMatching(/^Unresolved alias .*: a$/) },
    ]);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f']
      .map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`)
      .join('\n')}`;
    expect(await problems(bomb)).toEqual([{ path: '(file)', message: expect.stringMatching(/alias/i) }]);
  });

  it('read from a file, with plugins resolved next to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const plugin = join(import.meta.dirname, 'fixtures', 'plugin.mjs');
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `host: { memory: 8MiB, swap: 8MiB }\nplugins: [${JSON.stringify(plugin)}]\nvms:\n  - { name: p, memory: 1MiB, workload: { kind: pinger, page: 3 } }\n`,
    );
    const registry = defaultRegistry();
    const { host } = await loadScenario(file, registry);
    expect(host.vms[0]!.workload.definition.name).toBe('pinger');
    expect(registry.list().map((d) => d.name)).toContain('pinger');
  });

  it('read the files workloads name relative to the scenario file, whatever the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    writeFileSync(join(dir, 'refs.csv'), 'op,page,content\nr,0\nw,1,7\nr,1\n');
    writeFileSync(join(dir, 'image.bin'), Buffer.alloc(3 * 4096, 1));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      [
        'host: { memory: 8MiB, swap: 8MiB }',
        'duration: 20ms',
        'vms:',
        '  - name: t',
        '    memory: 1MiB',
        '    guest: { kind: linux, bootTime: 1ms }',
        '    workload: { kind: trace, path: refs.csv, format: hvsim-csv, loop: true }',
        '  - name: f',
        '    memory: 1MiB',
        '    guest: { kind: linux, bootTime: 1ms }',
        '    workload: { kind: uniform, pages: 8, content: { model: file, path: ./image.bin } }',
      ].join('\n'),
    );
    const { host: config, duration } = await loadScenario(file);
    expect(config.baseDir).toBe(dir);
    const host = createHost(config);
    host.run(duration);
    expect(host.stats().vms.map((v) => v.ops > 0)).toEqual([true, true]);
  });

  it('put a detector on every VM by name; eight VMs share the trap channel', async () => {
    const text = [
      'duration: 3s',
      'host: { memory: 64MiB, swap: 64MiB, costs: { access: 20000 } }',
      'vms:',
      '  - name: vm',
      '    count: 8',
      '    memory: 4MiB',
      '    guest: { kind: linux, bootTime: 1ms }',
      '    workload: { kind: uniform, pages: 0.25 }',
      '    detector: { kind: sampling, samples: 100, period: 1s }',
    ].join('\n');
    const { host: config, duration } = await parseScenario(text, 'detectors.yaml');
    const host = createHost(config);
    host.run(duration);
    const estimates = host.metrics().series.filter((s) => s.name === 'active-estimate');
    expect(estimates).toHaveLength(8);
    for (const series of estimates) {
      // A quarter of the 1024 pages is touched (plus the kernel's): the estimate after the first period.
      const last = series.values[series.values.length - 1]!;
      expect(last).toBeGreaterThan(0.1 * 1024);
      expect(last).toBeLessThan(0.5 * 1024);
    }
  });

  it('record observers beside the detector, each kind repeated under a number of its own', async () => {
    const text = [
      'duration: 2s',
      'host: { memory: 16MiB, swap: 16MiB, costs: { access: 20000 } }',
      'vms:',
      '  - name: vm',
      '    memory: 4MiB',
      '    guest: { kind: linux, bootTime: 1ms }',
      '    workload: { kind: uniform, pages: 0.25 }',
      '    detector: sampling',
      '    observers: [oracle, { kind: sampling, samples: 500, period: 1s }, { kind: sampling, period: 1s }]',
    ].join('\n');
    const { host: config, duration } = await parseScenario(text, 'observers.yaml');
    const host = createHost(config);
    host.run(duration);
    const names = host.metrics().series.map((s) => s.name);
    for (const name of [
      'active-estimate',
      'active-estimate:oracle',
      'active-estimate:sampling',
      'active-estimate:sampling#2',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).toContain('detector-checks:sampling#2');
    await expect(
      parseScenario(text.replace('{ kind: sampling, period: 1s }', 'nothing'), 'x'),
    ).rejects.toThrow(/vms\[0\]\.observers\[2\]/);
  });

  it('refuse a plugin that defines nothing, and an unreadable file', async () => {
    const empty = join(import.meta.dirname, 'fixtures', 'empty-plugin.mjs');
    await expect(
      parseScenario(
        `host: { memory: 8MiB, swap: 8MiB }\nplugins: [${JSON.stringify(empty)}]\nvms: [{ name: a, memory: 1MiB, workload: idle }]`,
        'x',
      ),
    ).rejects.toThrow(/exports no definitions/);
    await expect(loadScenario('/nonexistent/s.yaml')).rejects.toThrow(/cannot read the scenario file/);
  });

  it('run one text several ways: paths set before it is checked, and a path that leads nowhere named', async () => {
    const esx = await parseScenarioWith(GOOD, 'good.yaml', {
      name: 'two kinds of VM, ESX',
      policies: { stack: 'esx' },
      'vms[*].detector': 'sampling',
    });
    expect(esx.scenario.name).toBe('two kinds of VM, ESX');
    expect(esx.host.policies?.reclamation?.definition.name).toBe('esx');
    expect(esx.host.vms.every((vm) => vm.detector?.definition.name === 'sampling')).toBe(true);
    // The text itself is untouched: parsed again, it has neither.
    expect((await parseScenario(GOOD, 'good.yaml')).host.policies?.reclamation).toBeUndefined();
    await expect(parseScenarioWith(GOOD, 'good.yaml', { 'vms[db].memory': '1MiB' })).rejects.toThrow(
      /vms has no item named "db"/,
    );
    expect(
      (await parseScenarioWith(GOOD, 'good.yaml', { 'host.memory': 'lots' }).catch((e) => e)).issues[0].path,
    ).toBe('host.memory');
  });

  it('export a JSON Schema for editors', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['host', 'vms', 'duration', 'seed']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['host', 'vms']));
  });
});

describe('policies in scenario files', () => {
  it('take the ESX stack in one line, each part still replaceable, and run it', async () => {
    const vms =
      'vms: [{ name: a, memory: 4MiB, workload: { kind: uniform, pages: 0.9 } }, { name: b, memory: 4MiB, workload: idle }]';
    const esx = await parseScenario(
      `host: { memory: 6MiB, swap: 16MiB }\npolicies: { stack: esx }\n${vms}`,
      'p.yaml',
    );
    const names = (host: typeof esx.host) => [
      host.policies?.allocation?.definition.name,
      host.policies?.reclamation?.definition.name,
      ...(host.policies?.mechanisms ?? []).map((m) => m.definition.name),
    ];
    expect(names(esx.host)).toEqual(['idle-tax', 'esx', 'balloon', 'host-swap']);
    const swapped = await parseScenario(
      `host: { memory: 6MiB, swap: 16MiB }\npolicies: { stack: esx, allocation: { kind: idle-tax, tau: 0 }, mechanisms: [host-swap] }\n${vms}`,
      'p.yaml',
    );
    expect(names(swapped.host)).toEqual(['idle-tax', 'esx', 'host-swap']);
    expect(swapped.host.policies?.allocation?.options).toMatchObject({ tau: 0 });
    const host = createHost({ ...esx.host, periods: { ...esx.host.periods, rebalance: time.ms(50) } });
    host.run(time.ms(500));
    expect(host.stats().vms.every((v) => v.poweredOn)).toBe(true);
    expect(
      (await problems(`host: { memory: 6MiB }\npolicies: { stack: vmware }\n${vms}`)).map((p) => p.path),
    ).toEqual(['policies.stack']);
  });

  it('take host paging alone, or MEB, by the name of their stack', async () => {
    const vms = 'vms: [{ name: a, memory: 4MiB, workload: { kind: uniform, pages: 0.9 } }]';
    const policies = async (stack: string) => {
      const { host } = await parseScenario(
        `host: { memory: 6MiB, swap: 16MiB }\npolicies: { stack: ${stack} }\n${vms}`,
        'p.yaml',
      );
      return [
        host.policies?.allocation?.definition.name,
        host.policies?.reclamation?.definition.name,
        ...(host.policies?.mechanisms ?? []).map((m) => m.definition.name),
      ];
    };
    expect(await policies('none')).toEqual([undefined, undefined]);
    expect(await policies('meb')).toEqual(['meb', 'to-target', 'balloon', 'host-swap']);
  });

  it('run MEB by name: curves from the LRU-statistics detector, targets enforced by balloons', async () => {
    const { host: config } = await parseScenario(
      `host: { memory: 6MiB, swap: 16MiB }
policies: { allocation: { kind: meb, solver: exact, grid: 32 }, reclamation: to-target, mechanisms: [balloon], rebalance: 50ms }
vms:
  - { name: a, memory: 4MiB, guest: { kind: linux, bootTime: 1ms }, workload: { kind: zipf, pages: 0.9 }, detector: lru-statistics }
  - { name: b, memory: 4MiB, guest: { kind: linux, bootTime: 1ms }, workload: { kind: uniform, pages: 0.9 }, detector: lru-statistics }`,
      'p.yaml',
    );
    const host = createHost(config);
    host.run(time.s(1));
    const last = (vm: string, name: string) =>
      host
        .metrics()
        .series.find((s) => s.vm === vm && s.name === name)!
        .values.at(-1)!;
    const available = host.machine.totalFrames - host.machine.reservedFrames - 1;
    expect(last('a', 'target') + last('b', 'target')).toBeLessThanOrEqual(available);
    expect(last('a', 'ballooned') + last('b', 'ballooned')).toBeGreaterThan(0);
  });

  it('run content-based sharing by name: identical VMs share their pages, and none without an engine', async () => {
    const sharing = 'sharing: { kind: content-based, vmBudget: 400 }, shareScan: 100ms, shareBudget: 800';
    const scenario = (share: boolean) => `host: { memory: 64MiB, swap: 64MiB }
policies: { stack: esx, rebalance: 500ms${share ? `, ${sharing}` : ''} }
vms:
  - name: vm
    count: 3
    memory: 8MiB
    guest: { kind: linux, bootTime: 1ms }
    workload: { kind: sequential, pages: 6MiB, writeFraction: 1, ops: 1536, content: { model: os-image } }`;
    const run = async (share: boolean) => {
      const { host: config } = await parseScenario(scenario(share), 'p.yaml');
      const host = createHost(config);
      host.run(time.s(10));
      let shared = 0;
      let swapped = 0;
      for (const vm of host.machine.vms()) {
        shared += host.machine.pagePartition(vm).shared;
        swapped += host.machine.counters(vm).swapOuts;
      }
      return { shared, swapped };
    };
    // The scanner maps the three VMs' identical pages onto one frame each.
    const roomy = await run(true);
    expect(roomy.shared).toBeGreaterThan(3 * parsePages('5MiB'));
    expect(roomy.swapped).toBe(0);
    const alone = await run(false);
    expect(alone.shared).toBe(0);
  });

  it('run transparent sharing by name: guests booted from one image share the blocks they read', async () => {
    const { host: config } = await parseScenario(
      `host: { memory: 64MiB, swap: 64MiB }
policies: { sharing: transparent }
vms:
  - name: vm
    count: 3
    memory: 8MiB
    guest: { kind: linux, bootTime: 1ms, image: debian }
    workload: { kind: file-server, files: 20, fileSize: 128KiB, readFraction: 1, anonFraction: 0, think: 1ms }`,
      'p.yaml',
    );
    const host = createHost(config);
    host.run(time.s(1));
    checkInvariants(host.machine);
    // Every file block the second and third guests read is already in memory: mapped, not copied.
    const shared = host.machine.vms().map((vm) => host.machine.pagePartition(vm).shared);
    expect(shared.every((pages) => pages > parsePages('1MiB'))).toBe(true);
  });

  it('run Disco by name: its hooked copy routine maps a read(2) buffer onto the cache page it copies', async () => {
    const run = async (policies: string) => {
      const { host: config } = await parseScenario(
        `host: { memory: 64MiB, swap: 64MiB }
policies: ${policies}
vms:
  - name: vm
    memory: 16MiB
    guest: { kind: linux, bootTime: 1ms }
    workload: { kind: phased, offset: 256, phases: [{ duration: 1h, pages: 4MiB, file: true, writeFraction: 0.1, buffer: 4MiB }] }`,
        'p.yaml',
      );
      const host = createHost(config);
      host.run(time.s(1));
      checkInvariants(host.machine);
      return host;
    };
    const disco = await run('{ sharing: transparent }');
    const vm = disco.vmId('vm')!;
    // Buffer pages the workload has not written since their copy share the cache page's frame.
    expect(disco.machine.pagePartition(vm).shared).toBeGreaterThan(parsePages('1MiB'));
    expect((disco.sharing as TransparentSharing).copies).toBeGreaterThan(parsePages('4MiB'));
    // Without the hook every buffer page is a copy of its own.
    const plain = await run('{}');
    expect(plain.machine.pagePartition(vm).shared).toBe(0);
    expect(plain.machine.framePartition().free).toBeLessThan(disco.machine.framePartition().free);
  });

  it('run Satori by name: clones of one image share what they read, and blocks in memory need no disk read', async () => {
    const run = async (sharing: string) => {
      const { host: config } = await parseScenario(
        `host: { memory: 64MiB, swap: 64MiB }
policies: { sharing: ${sharing} }
vms:
  - name: vm
    count: 3
    memory: 8MiB
    guest: { kind: linux, bootTime: 1ms, image: debian }
    workload: { kind: file-server, files: 20, fileSize: 128KiB, readFraction: 1, anonFraction: 0, think: 1ms }`,
        'p.yaml',
      );
      const host = createHost(config);
      host.run(time.s(1));
      checkInvariants(host.machine);
      return host;
    };
    const satori = await run('satori');
    const shared = satori.machine.vms().map((vm) => satori.machine.pagePartition(vm).shared);
    expect(shared.every((pages) => pages > parsePages('1MiB'))).toBe(true);
    const reads = (host: typeof satori) =>
      ['vm1', 'vm2', 'vm3'].reduce((sum, vm) => sum + host.guest(vm)!.counters().diskReads, 0);
    const shareds = ['vm1', 'vm2', 'vm3'].map((vm) => satori.guest(vm)!.counters().sharedReads);
    expect(Math.min(...shareds)).toBeGreaterThan(0);
    // The same reads with Disco's sharing all go to the disk.
    expect(reads(satori)).toBeLessThan(reads(await run('transparent')));
  });

  it('run CMM1 by name: VMRM’s SHRINK requests grow the guests’ cmm pools and free memory recovers', async () => {
    const scenario = (mechanisms: string) => `host: { memory: 6MiB, swap: 16MiB }
policies: { stack: cmm1, reclamation: { kind: vmrm, interval: 1s }, rebalance: 250ms${mechanisms} }
vms:
  - name: vm
    count: 2
    memory: 4MiB
    guest: { kind: linux, bootTime: 1ms, cmm: { installed: true, rate: 0.2 } }
    workload: { kind: file-server, files: 100, fileSize: 64KiB, requestSize: 16KiB }`;
    const run = async (mechanisms = '') => {
      const { host: config } = await parseScenario(scenario(mechanisms), 'p.yaml');
      const host = createHost({ ...config, metricInterval: time.ms(250) });
      host.run(time.s(8));
      const series = (vm: string | undefined, name: string) =>
        host.metrics().series.find((s) => s.vm === vm && s.name === name)!.values;
      return { host, series };
    };
    const cmm = await run();
    expect(cmmOf(cmm.host.guest('vm1'))).toBeDefined();
    const low = 0.05 * cmm.host.machine.totalFrames;
    // The page caches fill the host; VMRM finds it constrained and asks each guest to shrink.
    expect(Math.min(...cmm.series(undefined, 'free'))).toBeLessThan(low);
    expect(cmm.host.events.some((e) => e.kind === 'state-change' && e.data!['to'] === 'constrained')).toBe(
      true,
    );
    for (const vm of ['vm1', 'vm2']) {
      expect(cmmOf(cmm.host.guest(vm))!.pages).toBeGreaterThan(0);
      expect(cmm.series(vm, 'ballooned').at(-1)).toBe(cmmOf(cmm.host.guest(vm))!.pages);
    }
    // The pools hold what the host lacks: free memory stays above the low watermark for the last seconds,
    // and the host's swap empties, where z/VM's paging alone (no cmm1) keeps paging.
    expect(Math.min(...cmm.series(undefined, 'free').slice(-8))).toBeGreaterThanOrEqual(low);
    const paging = await run(', mechanisms: [host-swap]');
    const swapped = (r: typeof cmm) =>
      r.series('vm1', 'swapped').at(-1)! + r.series('vm2', 'swapped').at(-1)!;
    expect(swapped(cmm)).toBeLessThan(swapped(paging) / 4);
  });

  it('resolve by registered name, and an unknown one lists what is known', async () => {
    const { host } = await parseScenario(
      `host: { memory: 8MiB, swap: 8MiB }\npolicies: { rebalance: 5s, shareBudget: 50 }\nvms: [{ name: a, memory: 1MiB, workload: idle }]`,
      'p.yaml',
    );
    expect(host.periods).toEqual({ rebalance: time.s(5), shareBudget: 50 });
    expect(host.policies).toEqual({ mechanisms: [] });
    const taxed = await parseScenario(
      `host: { memory: 8MiB, swap: 8MiB }\npolicies: { allocation: { kind: idle-tax, tau: 0.5 } }\nvms: [{ name: a, memory: 1MiB, workload: idle }]`,
      'p.yaml',
    );
    expect(taxed.host.policies?.allocation).toMatchObject({
      definition: { name: 'idle-tax' },
      options: { tau: 0.5 },
    });
    const ksm = await parseScenario(
      `host: { memory: 8MiB, swap: 8MiB }\npolicies: { sharing: { kind: ksm, pagesToScan: 100, sleepMillisecs: 20 } }\nvms: [{ name: a, memory: 1MiB, workload: idle }]`,
      'p.yaml',
    );
    expect(ksm.host.policies?.sharing).toMatchObject({
      definition: { name: 'ksm' },
      options: { pagesToScan: 100, sleepMillisecs: 20 },
    });
    const found = await problems(
      `host: { memory: 8MiB, swap: 8MiB }\npolicies: { allocation: lottery, mechanisms: [inflator] }\nvms: [{ name: a, memory: 1MiB, workload: idle }]`,
    );
    expect(found.map((p) => p.path)).toEqual(['policies.allocation.kind', 'policies.mechanisms[0].kind']);
    expect(found[0]!.message).toMatch(/no allocation-policy@1 named "lottery"; known: idle-tax/);
  });
});
