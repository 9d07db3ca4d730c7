import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers } from './check-layers';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

interface Fixture {
  readonly name: string;
  readonly layer: number | 'tool';
  readonly dependencies?: string[];
  readonly devDependencies?: string[];
  readonly files?: Record<string, string>;
}

function workspace(...packages: Fixture[]): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  roots.push(root);
  for (const p of packages) {
    const dir = join(root, 'packages', p.name.replace('@hvsim/', ''));
    mkdirSync(join(dir, 'src'), { recursive: true });
    const deps = (list: string[] = []) => Object.fromEntries(list.map((d) => [d, 'workspace:^']));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: p.name,
        hvsim: { layer: p.layer },
        dependencies: deps(p.dependencies),
        devDependencies: deps(p.devDependencies),
      }),
    );
    for (const [file, text] of Object.entries(p.files ?? { 'index.ts': 'export {};' })) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  }
  return root;
}

const spec: Fixture = { name: '@hvsim/spec', layer: 0 };

describe('layering check', () => {
  it('passes on this repository', () => {
    expect(checkLayers(resolve(import.meta.dirname, '..'))).toEqual([]);
  });

  it('passes imports that go down the layers', () => {
    const root = workspace(spec, {
      name: '@hvsim/machine',
      layer: 1,
      dependencies: ['@hvsim/spec'],
      files: { 'src/index.ts': "import { PAGE_SIZE } from '@hvsim/spec';\nexport const x = PAGE_SIZE;" },
    });
    expect(checkLayers(root)).toEqual([]);
  });

  it('fails an import up the layers', () => {
    const root = workspace(
      { ...spec, dependencies: ['@hvsim/machine'], files: { 'src/index.ts': "import '@hvsim/machine';" } },
      { name: '@hvsim/machine', layer: 1 },
    );
    expect(checkLayers(root)).toEqual([
      'packages/spec/package.json: depends on @hvsim/machine: layer 0 may not import layer 1',
      'packages/spec/src/index.ts: imports @hvsim/machine: layer 0 may not import layer 1',
    ]);
  });

  it('fails an import between siblings of one layer', () => {
    const root = workspace(
      { name: '@hvsim/sharing', layer: 3 },
      {
        name: '@hvsim/reclaim',
        layer: 3,
        dependencies: ['@hvsim/sharing'],
        files: { 'src/swap.ts': "export { x } from '@hvsim/sharing/engines';" },
      },
    );
    expect(checkLayers(root)).toContain(
      'packages/reclaim/src/swap.ts: imports @hvsim/sharing: both are on layer 3: siblings never import each other',
    );
  });

  it("fails an import the package does not declare, and a relative import out of the package (but a build config may share the workspace's)", () => {
    const root = workspace(spec, {
      name: '@hvsim/machine',
      layer: 1,
      files: {
        'src/a.ts': "import { z } from '@hvsim/spec';\nimport '../../spec/src/index';",
        'tsup.config.ts': "export { default } from '../../tsup.base';",
      },
    });
    expect(checkLayers(root)).toEqual([
      'packages/machine/src/a.ts: imports @hvsim/spec, which packages/machine/package.json does not declare',
      'packages/machine/src/a.ts: imports ../../spec/src/index, outside its package',
    ]);
  });

  it('allows a tool package only as a dev dependency of benchmarks and tests', () => {
    const tool: Fixture = { name: '@hvsim/bench-kit', layer: 'tool' };
    const ok = workspace(tool, {
      name: '@hvsim/machine',
      layer: 1,
      devDependencies: ['@hvsim/bench-kit'],
      files: { 'bench/m.bench.ts': "import '@hvsim/bench-kit';" },
    });
    expect(checkLayers(ok)).toEqual([]);
    const bad = workspace(tool, {
      name: '@hvsim/machine',
      layer: 1,
      devDependencies: ['@hvsim/bench-kit'],
      files: { 'src/m.ts': "import '@hvsim/bench-kit';" },
    });
    expect(checkLayers(bad)).toEqual([
      'packages/machine/src/m.ts: imports @hvsim/bench-kit, which packages/machine/package.json does not declare',
    ]);
  });

  it('holds an example to the rules of apps: its library code imports only its dependencies', () => {
    const root = workspace(spec, { name: '@hvsim/host', layer: 4 });
    const dir = join(root, 'examples', 'plugin');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: '@hvsim-examples/plugin',
        hvsim: { layer: 5 },
        dependencies: { '@hvsim/spec': 'workspace:^' },
        devDependencies: { '@hvsim/host': 'workspace:^' },
      }),
    );
    writeFileSync(join(dir, 'src/index.ts'), "import '@hvsim/spec';\nimport '@hvsim/host';");
    writeFileSync(join(dir, 'src/index.test.ts'), "import '@hvsim/host';");
    expect(checkLayers(root)).toEqual([
      'examples/plugin/package.json: @hvsim-examples/plugin is in examples/, on the app layer 8, not 5',
      'examples/plugin/src/index.ts: imports @hvsim/host, which examples/plugin/package.json does not declare',
    ]);
  });

  it('fails a layer that is neither a layer number nor "tool"', () => {
    const root = workspace({ name: '@hvsim/host', layer: 'four' as unknown as number });
    expect(checkLayers(root)).toEqual([
      'packages/host/package.json: hvsim.layer must be a layer number or "tool"',
    ]);
  });

  it("holds each project's tsconfig references to its workspace dependencies, and the root's to every project", () => {
    const machine: Fixture = { name: '@hvsim/machine', layer: 1, dependencies: ['@hvsim/spec'] };
    const root = workspace(spec, machine, { name: '@hvsim/guest', layer: 2 });
    const tsconfig = (dir: string, paths: string[]) =>
      writeFileSync(
        join(root, dir, 'tsconfig.json'),
        JSON.stringify({ references: paths.map((path) => ({ path })) }),
      );
    tsconfig('packages/spec', []);
    tsconfig('packages/machine', ['../spec']);
    tsconfig('.', ['./packages/spec', './packages/machine']);
    expect(checkLayers(root)).toEqual([]);
    tsconfig('packages/machine', ['../guest']);
    tsconfig('.', ['./packages/spec']);
    expect(checkLayers(root)).toEqual([
      'packages/machine/tsconfig.json: has no reference to @hvsim/spec, a dependency',
      'packages/machine/tsconfig.json: references @hvsim/guest, which its package.json does not depend on',
      'tsconfig.json: has no reference to packages/machine',
    ]);
  });

  it("holds the README's package table to the layers: every package but the tools, in layer order", () => {
    const root = workspace(
      spec,
      { name: '@hvsim/machine', layer: 1 },
      { name: '@hvsim/bench-kit', layer: 'tool' },
    );
    const readme = (...rows: string[]) =>
      writeFileSync(
        join(root, 'README.md'),
        [
          '# x',
          '## Packages',
          '| layer | package | what |',
          '| - | - | - |',
          ...rows,
          '## Next',
          '| 9 | [`y`](packages/y) | |',
        ].join('\n'),
      );
    readme(
      '| 0 | [`@hvsim/spec`](packages/spec) | contracts |',
      '| 1 | [`@hvsim/machine`](packages/machine) | model |',
    );
    expect(checkLayers(root)).toEqual([]);
    readme(
      '| 1 | [`@hvsim/machine`](packages/machine) | model |',
      '| 2 | [`@hvsim/spec`](packages/spec) | contracts |',
      '| 3 | [`x`](packages/x) | |',
    );
    expect(checkLayers(root)).toEqual([
      'README.md:6: @hvsim/spec is on layer 0, not 2',
      'README.md:7: packages/x is not a workspace package',
    ]);
    readme(
      '| 1 | [`@hvsim/machine`](packages/machine) | model |',
      '| 0 | [`@hvsim/spec`](packages/spec) | contracts |',
    );
    expect(checkLayers(root)).toEqual(['README.md:6: @hvsim/spec (layer 0) is listed after layer 1']);
    readme('| 0 | [`@hvsim/spec`](packages/spec) | contracts |');
    expect(checkLayers(root)).toEqual([
      'README.md: the package table does not list @hvsim/machine (layer 1)',
    ]);
  });
});
