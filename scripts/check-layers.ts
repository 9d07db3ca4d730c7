/**
 * Enforces the layering of DESIGN.md: imports only go down the layer table, never to a sibling on the same
 * layer, and every imported workspace package is declared in package.json. Private tool packages (layer
 * "tool", e.g. the benchmark kit) may only be dev dependencies, used from benchmarks and tests. The worked
 * examples under examples/ are held to the rules of apps, so they show only what a user's package can do.
 *
 * Run: `tsx scripts/check-layers.ts` (exits 1 and lists each violation).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The layer table of DESIGN.md. A package not listed here must declare its layer in package.json. */
export const DESIGN_LAYERS: Readonly<Record<string, number>> = {
  '@hvsim/spec': 0,
  '@hvsim/machine': 1,
  '@hvsim/guest': 2,
  '@hvsim/workloads': 2,
  '@hvsim/detectors': 3,
  '@hvsim/reclaim': 3,
  '@hvsim/sharing': 3,
  '@hvsim/economics': 3,
  '@hvsim/host': 4,
  '@hvsim/scenario': 5,
  '@hvsim/report': 5,
  '@hvsim/sweep': 5,
};
const APP_LAYER = 6;

type Layer = number | 'tool';

interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly layer: Layer;
  readonly dependencies: ReadonlySet<string>;
  readonly devDependencies: ReadonlySet<string>;
}

function readPackages(root: string, problems: string[]): WorkspacePackage[] {
  const packages: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps', 'examples']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const file = join(base, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const declared: unknown = json.hvsim?.layer;
      const expected = group === 'packages' ? DESIGN_LAYERS[json.name] : APP_LAYER;
      const where = relative(root, file);
      if (declared !== 'tool' && typeof declared !== 'number') {
        problems.push(`${where}: hvsim.layer must be a layer number or "tool"`);
        continue;
      }
      if (expected !== undefined && declared !== expected) {
        problems.push(`${where}: ${json.name} is on layer ${expected} in DESIGN.md, not ${String(declared)}`);
      }
      packages.push({
        name: json.name,
        dir: join(base, entry.name),
        layer: declared,
        dependencies: new Set([
          ...Object.keys(json.dependencies ?? {}),
          ...Object.keys(json.peerDependencies ?? {}),
        ]),
        devDependencies: new Set(Object.keys(json.devDependencies ?? {})),
      });
    }
  }
  return packages;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name)) yield path;
  }
}

const IMPORT = /(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Whether a file is library code (what users import) rather than a test, benchmark or example. */
const isLibraryFile = (path: string) =>
  /[/\\]src[/\\]/.test(path) &&
  !/\.(test|bench|fixture)\.[mc]?[jt]sx?$/.test(path) &&
  !/[/\\]testing[/\\]/.test(path);

/** Every layering violation in the workspace at `root`, as readable lines. */
export function checkLayers(root: string): string[] {
  const problems: string[] = [];
  const packages = readPackages(root, problems);
  const byName = new Map(packages.map((p) => [p.name, p]));

  const allowed = (from: WorkspacePackage, to: WorkspacePackage, dev: boolean): string | undefined => {
    if (to.layer === 'tool') return dev ? undefined : 'a tool package may only be a dev dependency';
    if (from.layer === 'tool') return undefined;
    if (to.layer < from.layer) return undefined;
    return to.layer === from.layer
      ? `both are on layer ${from.layer}: siblings never import each other`
      : `layer ${from.layer} may not import layer ${to.layer}`;
  };

  for (const pkg of packages) {
    for (const dep of [...pkg.dependencies, ...pkg.devDependencies]) {
      const target = byName.get(dep);
      if (!target || target === pkg) continue;
      const why = allowed(pkg, target, !pkg.dependencies.has(dep));
      if (why) problems.push(`${relative(root, pkg.dir)}/package.json: depends on ${dep}: ${why}`);
    }
    for (const file of sourceFiles(pkg.dir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = (match[1] ?? match[2])!;
        const where = relative(root, file);
        if (spec.startsWith('.')) {
          const target = resolve(file, '..', spec);
          if (!target.startsWith(pkg.dir)) problems.push(`${where}: imports ${spec}, outside its package`);
          continue;
        }
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        const target = byName.get(name);
        if (!target || target === pkg) continue;
        const library = isLibraryFile(file);
        if (!pkg.dependencies.has(name) && (library || !pkg.devDependencies.has(name))) {
          problems.push(
            `${where}: imports ${name}, which ${relative(root, pkg.dir)}/package.json does not declare`,
          );
          continue;
        }
        const why = allowed(pkg, target, !library);
        if (why) problems.push(`${where}: imports ${name}: ${why}`);
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers(resolve(import.meta.dirname, '..'));
  for (const p of problems) console.error(`layering: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log('layering: every import goes down the layer table');
}
