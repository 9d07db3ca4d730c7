import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { sharesOf } from '@hvsim/economics';
import type { HostConfig, HostPolicies, VmConfig } from '@hvsim/host';
import {
  checkOptions,
  describeIoError,
  formatFieldPath,
  HvsimError,
  parseStrict,
  type SimTime,
} from '@hvsim/spec';
import { checkAdmission } from './admission';
import { writePath } from './document-path';
import { loadPlugins } from './plugins';
import { type AnyDefinition, defaultRegistry, type Registry, SCENARIO_CONTRACTS } from './registry';
import { ScenarioError, type ScenarioIssue } from './scenario-error';
import { copyNames, type Scenario, scenarioSchema, type VmEntry, vmReservation } from './schema';
import { POLICY_STACKS, type PolicyStack } from './stacks';
import { readYaml } from './yaml-document';

/** A validated scenario and the host configuration it describes. */
export interface LoadedScenario {
  readonly source: string;
  readonly scenario: Scenario;
  readonly host: HostConfig;
  readonly duration: SimTime;
  /** VMs admission control will refuse during the run, marked `expectRefusal` in the file: when and why. */
  readonly expectedRefusals: readonly ScenarioIssue[];
}

const issuesOf = (
  issues: readonly { path: readonly (string | number)[]; message: string }[],
  prefix: readonly (string | number)[] = [],
): ScenarioIssue[] =>
  issues.map((issue) => ({ path: formatFieldPath([...prefix, ...issue.path]), message: issue.message }));

/**
 * Reads a scenario file (YAML, or JSON which YAML includes), loads its plugins relative to the file, and
 * validates it with every named factory's own options. Every problem is reported at once, by path.
 */
export async function loadScenario(
  path: string,
  registry: Registry = defaultRegistry(),
): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HvsimError(
      'unreadable-scenario',
      `cannot read the scenario file: ${describeIoError(error)}`,
      path,
    );
  }
  return parseScenario(text, path, registry, dirname(resolve(path)));
}

/**
 * Validates scenario text; `baseDir` is where relative paths in it start (plugins, and files that workloads
 * read, such as traces).
 */
export async function parseScenario(
  text: string,
  source: string,
  registry: Registry = defaultRegistry(),
  baseDir: string = process.cwd(),
): Promise<LoadedScenario> {
  return parseScenarioValue(readYaml(text, source), source, registry, baseDir);
}

/**
 * Validates scenario text with some of its paths set first (`{ 'policies.stack': 'esx' }`, as a sweep's
 * variant sets them): one text run several ways, without a copy of it for each. A path that leads nowhere is
 * a `DocumentPathError` naming it.
 */
export async function parseScenarioWith(
  text: string,
  source: string,
  set: Readonly<Record<string, unknown>>,
  registry: Registry = defaultRegistry(),
  baseDir: string = process.cwd(),
): Promise<LoadedScenario> {
  const document = readYaml(text, source) as Record<string, unknown>;
  for (const [path, value] of Object.entries(set)) writePath(document, path, value);
  return parseScenarioValue(document, source, registry, baseDir);
}

/** Validates a scenario already read into a value (a sweep's points are made as values). */
export async function parseScenarioValue(
  value: unknown,
  source: string,
  registry: Registry = defaultRegistry(),
  baseDir: string = process.cwd(),
): Promise<LoadedScenario> {
  const parsed = parseStrict(scenarioSchema, value, 'the scenario', 'field');
  if (!parsed.success) throw new ScenarioError(source, issuesOf(parsed.issues));
  const scenario = parsed.data;
  const problems = await loadPlugins(registry, scenario.plugins, baseDir);
  if (problems.length > 0) {
    throw new ScenarioError(
      source,
      problems.map((p) => ({ path: `plugins[${p.index}]`, message: p.message })),
    );
  }
  const admission = checkAdmission(scenario);
  return {
    source,
    scenario,
    host: { ...hostConfig(scenario, registry, source, admission.problems), baseDir },
    duration: scenario.duration,
    expectedRefusals: admission.expected,
  };
}

/** Resolves a named factory and checks its options now, so a bad option is reported before the run. */
function resolveUse(
  registry: Registry,
  contract: string,
  use: { kind: string; options: Record<string, unknown> },
  path: (string | number)[],
  issues: ScenarioIssue[],
): { definition: AnyDefinition; options: unknown } | undefined {
  let definition: AnyDefinition;
  try {
    definition = registry.get(contract, use.kind, formatFieldPath([...path, 'kind']));
  } catch (error) {
    const e = error as HvsimError;
    issues.push({ path: e.field ?? formatFieldPath(path), message: e.reason });
    return undefined;
  }
  const checked = checkOptions(definition, use.options);
  if (!checked.success) {
    issues.push(...issuesOf(checked.issues, path));
    return undefined;
  }
  return { definition, options: use.options };
}

/** The host configuration a valid scenario describes; `known` are problems found before, reported with these. */
function hostConfig(
  scenario: Scenario,
  registry: Registry,
  source: string,
  known: readonly ScenarioIssue[],
): HostConfig {
  const issues: ScenarioIssue[] = [];
  const vms: VmConfig[] = [];
  scenario.vms.forEach((entry: VmEntry, i) => {
    const guest = resolveUse(registry, SCENARIO_CONTRACTS.guest, entry.guest, ['vms', i, 'guest'], issues);
    const workload = resolveUse(
      registry,
      SCENARIO_CONTRACTS.workload,
      entry.workload,
      ['vms', i, 'workload'],
      issues,
    );
    const detector = entry.detector
      ? resolveUse(registry, SCENARIO_CONTRACTS.detector, entry.detector, ['vms', i, 'detector'], issues)
      : undefined;
    const observers = (entry.observers ?? []).map((use, k) =>
      resolveUse(registry, SCENARIO_CONTRACTS.detector, use, ['vms', i, 'observers', k], issues),
    );
    if (!guest || !workload || (entry.detector && !detector) || observers.includes(undefined)) return;
    for (const name of copyNames(entry)) {
      vms.push({
        ...vmReservation(entry, name),
        shares: sharesOf(entry.shares, entry.memory),
        guest,
        workload,
        ...(detector ? { detector } : {}),
        ...(observers.length > 0 ? { observers } : {}),
        ...(entry.shareDomain === undefined ? {} : { shareDomain: entry.shareDomain }),
      } as VmConfig);
    }
  });
  const policies = scenario.policies;
  const stack: PolicyStack | undefined = policies.stack && POLICY_STACKS[policies.stack];
  const policy = (contract: string, use: typeof policies.allocation, key: string) =>
    use ? resolveUse(registry, contract, use, ['policies', key], issues) : undefined;
  const allocation = policy(
    SCENARIO_CONTRACTS.allocation,
    policies.allocation ?? stack?.allocation,
    'allocation',
  );
  const reclamation = policy(
    SCENARIO_CONTRACTS.reclamation,
    policies.reclamation ?? stack?.reclamation,
    'reclamation',
  );
  const sharing = policy(SCENARIO_CONTRACTS.sharing, policies.sharing, 'sharing');
  const mechanisms = (policies.mechanisms ?? stack?.mechanisms ?? []).flatMap((use, i) => {
    const resolved = resolveUse(
      registry,
      SCENARIO_CONTRACTS.mechanism,
      use,
      ['policies', 'mechanisms', i],
      issues,
    );
    return resolved ? [resolved] : [];
  });
  const names = new Set<string>();
  for (const vm of vms) {
    if (names.has(vm.name))
      issues.push({ path: 'vms', message: `two VMs are named ${JSON.stringify(vm.name)}` });
    names.add(vm.name);
  }
  issues.push(...known);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  const { host } = scenario;
  return {
    frames: host.memory,
    seed: scenario.seed,
    vms,
    ...(scenario.scale === 1 ? {} : { scale: scenario.scale }),
    ...(host.reserved === undefined ? {} : { reservedFrames: host.reserved }),
    ...(host.swap === undefined ? {} : { swapPages: host.swap }),
    ...(host.quantum === undefined ? {} : { quantum: host.quantum }),
    ...(host.metricInterval === undefined ? {} : { metricInterval: host.metricInterval }),
    ...(scenario.checks.invariants ? { checkInvariants: true } : {}),
    ...(host.costs === undefined
      ? {}
      : { costs: Object.fromEntries(Object.entries(host.costs).filter(([, ns]) => ns !== undefined)) }),
    policies: {
      ...(allocation ? { allocation } : {}),
      ...(reclamation ? { reclamation } : {}),
      ...(sharing ? { sharing } : {}),
      mechanisms,
    } as HostPolicies,
    periods: {
      ...(policies.rebalance === undefined ? {} : { rebalance: policies.rebalance }),
      ...(policies.shareScan === undefined ? {} : { shareScan: policies.shareScan }),
      ...(policies.shareBudget === undefined ? {} : { shareBudget: policies.shareBudget }),
    },
  };
}
