/**
 * Uses the packages as a user gets them: packs every public package under packages/ with `pnpm pack` (which
 * rewrites `workspace:^` to versions), installs the tarballs with npm into a scratch project outside the
 * workspace (third-party dependencies from the registry), and runs a plain .mjs there with node — no tsx, no
 * source condition — that builds a host from the published packages, runs it and checks the result, then runs
 * a sweep on two worker threads (the built worker entry, as a thread loads it). Catches
 * files left out of `files`, a wrong `exports` map and imports that only resolve inside the workspace.
 *
 * Run after `pnpm build`: `pnpm test:packed` (exits 1, saying which step failed). The scratch directory is
 * removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** The script the scratch project runs: a small ESX-like host, built only from the installed packages. */
const CHECK = `
import { sampling } from '@hvsim/detectors';
import { idleTax } from '@hvsim/economics';
import { linuxGuest } from '@hvsim/guest';
import { createHost } from '@hvsim/host';
import { checkInvariants } from '@hvsim/machine';
import { balloon, esxReclamation, hostSwap } from '@hvsim/reclaim';
import { metricsToCsv } from '@hvsim/report';
import { parseScenario } from '@hvsim/scenario';
import { contentBased } from '@hvsim/sharing';
import { parsePages, time } from '@hvsim/spec';
import { parseSweep } from '@hvsim/scenario';
import { localExecutor, runSweep } from '@hvsim/sweep';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAllocationPolicyConformance } from '@hvsim/spec/testing';
import { idle, zipf } from '@hvsim/workloads';

const vm = (name, workload) => ({
  name,
  pages: parsePages('16MiB'),
  shares: 10,
  guest: { definition: linuxGuest, options: { bootTime: '100ms' } },
  workload,
  detector: { definition: sampling, options: { period: '1s' } },
});
const host = createHost({
  frames: parsePages('24MiB'),
  swapPages: parsePages('64MiB'),
  seed: 1,
  vms: [
    vm('busy', { definition: zipf, options: { pages: 0.8 } }),
    vm('idle', { definition: idle, options: {} }),
  ],
  policies: {
    allocation: { definition: idleTax, options: { tau: 0.75 } },
    reclamation: { definition: esxReclamation, options: {} },
    mechanisms: [
      { definition: balloon, options: {} },
      { definition: hostSwap, options: {} },
    ],
    sharing: { definition: contentBased, options: {} },
  },
  periods: { rebalance: time.s(1) },
});
host.run(time.s(5));
checkInvariants(host.machine);

const stats = host.stats();
const failures = [];
if (stats.simulatedTime !== time.s(5)) failures.push('simulated ' + stats.simulatedTime + ' ns, not 5 s');
for (const v of stats.vms) if (!(v.ops > 0)) failures.push(v.name + ' ran no ops');
if (!metricsToCsv(host.metrics()).includes('busy/allocated')) failures.push('the metrics CSV lacks busy/allocated');
const loaded = await parseScenario(
  'host: { memory: 64MiB, swap: 64MiB }\\nvms: [{ name: a, memory: 32MiB, workload: uniform }]\\npolicies: { stack: esx }',
  'inline',
);
if (loaded.host.vms.length !== 1) failures.push('the scenario loader did not build its VM');
checkAllocationPolicyConformance(idleTax, { numRuns: 20 });
// A sweep on two worker threads: the built worker entry, as a thread loads it.
const plan = await parseSweep(
  'name: packed\\nscenario: { duration: 50ms, host: { memory: 12MiB, swap: 16MiB }, vms: [{ name: a, memory: 4MiB, workload: uniform }] }\\nmatrix: { host.memory: [8MiB, 12MiB] }',
  'packed-sweep',
  process.cwd(),
);
const sweepOut = mkdtempSync(join(tmpdir(), 'hvsim-packed-sweep-'));
const swept = await runSweep(plan, { out: sweepOut, executor: localExecutor(2), version: 'packed' });
if (swept.progress.done !== 2 || swept.progress.failed !== 0) failures.push('the sweep did not finish its 2 runs');
// The report page carries vega and the page's own script from the installed packages.
const page = readFileSync(join(sweepOut, 'report.html'), 'utf8');
if (!page.includes('vegaEmbed') || !page.includes('hvsim-report-data')) failures.push('the sweep report lacks its scripts');

if (failures.length > 0) {
  console.error(failures.map((f) => 'packed artifacts: ' + f).join('\\n'));
  process.exit(1);
}
console.log('ran ' + stats.ops + ' ops on ' + stats.vms.length + ' VMs for 5 simulated s; invariants hold');
`;

/**
 * Runs a command, echoing it; a failure names the step. Its output goes to ours, or with `quiet` only when
 * it fails (pnpm pack lists every file it packs).
 */
function run(step: string, command: string, args: string[], cwd: string, quiet = false): void {
  console.log(`$ ${command} ${args.join(' ')}    (in ${cwd})`);
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'inherit'] });
  } catch (error) {
    if (quiet) process.stdout.write((error as { stdout?: Buffer }).stdout ?? '');
    throw new Error(`${step} failed (${command} ${args[0] ?? ''}): see its output above`);
  }
}

function main(): void {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const packages = readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ json }) => json.private !== true);
  const unbuilt = packages.filter(({ dir }) => !existsSync(join(dir, 'dist')));
  if (unbuilt.length > 0) {
    throw new Error(`no dist/ in ${unbuilt.map((p) => p.json.name).join(', ')}: run \`pnpm build\` first`);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'hvsim-packed-'));
  try {
    const tarballs = join(scratch, 'tarballs');
    const project = join(scratch, 'project');
    mkdirSync(tarballs);
    mkdirSync(project);
    console.log(`packing ${packages.length} packages into ${tarballs}`);
    for (const { dir, json } of packages) {
      run(`packing ${json.name}`, 'pnpm', ['pack', '--pack-destination', tarballs], dir, true);
    }
    console.log(`packed (${elapsed()}); installing them into a scratch project, ${project}`);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'hvsim-packed-check', private: true, type: 'module' }),
    );
    const files = readdirSync(tarballs).map((file) => join(tarballs, file));
    // `@hvsim/spec/testing` needs fast-check, an optional peer dependency that its users install themselves.
    const spec = packages.find(({ json }) => json.name === '@hvsim/spec')!.json;
    const fastCheck = `fast-check@${spec.peerDependencies['fast-check']}`;
    run(
      'npm install',
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, fastCheck],
      project,
    );
    console.log(`installed (${elapsed()}); running check.mjs with node`);
    writeFileSync(join(project, 'check.mjs'), CHECK);
    run('check.mjs', process.execPath, ['check.mjs'], project);
    console.log(`packed artifacts: every public package installs and runs from its tarball (${elapsed()})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`packed artifacts: ${(error as Error).message}`);
  process.exit(1);
}
