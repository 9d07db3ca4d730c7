/**
 * Enforces the layering, whose one source is each package's `hvsim.layer` in package.json: imports only go
 * down the layers, never to a sibling on the same layer, and every imported workspace package is declared
 * in package.json. Private tool packages (layer "tool", e.g. the benchmark kit) may only be dev
 * dependencies, used from benchmarks and tests. Apps and the worked examples under examples/ sit on the app
 * layer, so the examples show only what a user's package can do. What repeats the layers is held to them:
 * each project's tsconfig references are its workspace dependencies, the root tsconfig references every
 * project, and the README's package table gives each package its layer, in layer order.
 *
 * Run: `tsx scripts/check-layers.ts` (exits 1 and lists each violation).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The layer of apps and examples: the top one. */
const APP_LAYER = 8;

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
      const where = relative(root, file);
      if (!(declared === 'tool' || (Number.isInteger(declared) && (declared as number) >= 0))) {
        problems.push(`${where}: hvsim.layer must be a layer number or "tool"`);
        continue;
      }
      if (group !== 'packages' && declared !== APP_LAYER) {
        problems.push(
          `${where}: ${json.name} is in ${group}/, on the app layer ${APP_LAYER}, not ${String(declared)}`,
        );
      }
      packages.push({
        name: json.name,
        dir: join(base, entry.name),
        layer: declared as Layer,
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

/** The directories a tsconfig.json references, resolved; undefined without the file. */
function tsconfigReferences(dir: string): Set<string> | undefined {
  const file = join(dir, 'tsconfig.json');
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { references?: { path: string }[] };
  return new Set((json.references ?? []).map((reference) => resolve(dir, reference.path)));
}

/** Each project's references are exactly its workspace dependencies; the root references every project. */
function checkReferences(root: string, packages: readonly WorkspacePackage[], problems: string[]): void {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const byDir = new Map(packages.map((p) => [p.dir, p]));
  for (const pkg of packages) {
    const references = tsconfigReferences(pkg.dir);
    if (references === undefined) continue;
    const where = `${relative(root, pkg.dir)}/tsconfig.json`;
    const needed = [...pkg.dependencies, ...pkg.devDependencies].flatMap((name) => {
      const target = byName.get(name);
      return target === undefined || target === pkg ? [] : [target];
    });
    for (const target of needed) {
      if (!references.has(target.dir))
        problems.push(`${where}: has no reference to ${target.name}, a dependency`);
    }
    for (const dir of references) {
      const target = byDir.get(dir);
      if (target !== undefined && !needed.includes(target)) {
        problems.push(`${where}: references ${target.name}, which its package.json does not depend on`);
      }
    }
  }
  const top = tsconfigReferences(root);
  if (top === undefined) return;
  for (const pkg of packages) {
    if (existsSync(join(pkg.dir, 'tsconfig.json')) && !top.has(pkg.dir)) {
      problems.push(`tsconfig.json: has no reference to ${relative(root, pkg.dir)}`);
    }
  }
}

/** A row of the README's package table: `| layer | [`name`](path) | what it is |`. */
const TABLE_ROW = /^\|\s*(\d+)\s*\|\s*\[`[^`]+`\]\(([^)]+)\)/;

/** The README's package table names every package but the tools, with its layer, in layer order. */
function checkReadmeTable(root: string, packages: readonly WorkspacePackage[], problems: string[]): void {
  const file = join(root, 'README.md');
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.indexOf('## Packages');
  if (start === -1) {
    problems.push('README.md: has no "## Packages" section with the layer table');
    return;
  }
  const listed = new Set<WorkspacePackage>();
  let previous = 0;
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    const row = TABLE_ROW.exec(lines[i]!);
    if (row === null) continue;
    const layer = Number(row[1]);
    const where = `README.md:${i + 1}`;
    const pkg = packages.find((p) => p.dir === resolve(root, row[2]!));
    if (pkg === undefined) {
      problems.push(`${where}: ${row[2]} is not a workspace package`);
      continue;
    }
    listed.add(pkg);
    if (layer !== pkg.layer)
      problems.push(`${where}: ${pkg.name} is on layer ${String(pkg.layer)}, not ${layer}`);
    if (layer < previous)
      problems.push(`${where}: ${pkg.name} (layer ${layer}) is listed after layer ${previous}`);
    previous = Math.max(previous, layer);
  }
  for (const pkg of packages) {
    if (pkg.layer !== 'tool' && !relative(root, pkg.dir).startsWith('examples') && !listed.has(pkg)) {
      problems.push(`README.md: the package table does not list ${pkg.name} (layer ${String(pkg.layer)})`);
    }
  }
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

/** A build tool's configuration at a package's root (`tsup.config.ts`): it may share the workspace's. */
const isBuildConfig = (pkg: WorkspacePackage, file: string) =>
  resolve(file, '..') === pkg.dir && /\.config\.[mc]?[jt]s$/.test(file);

/** Every layering violation in the workspace at `root`, as readable lines. */
export function checkLayers(root: string): string[] {
  const problems: string[] = [];
  const packages = readPackages(root, problems);
  const byName = new Map(packages.map((p) => [p.name, p]));
  checkReferences(root, packages, problems);
  checkReadmeTable(root, packages, problems);

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
          if (!target.startsWith(pkg.dir) && !isBuildConfig(pkg, file))
            problems.push(`${where}: imports ${spec}, outside its package`);
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
  console.log('layering: every import goes down the layers; tsconfig references and the README agree');
}
