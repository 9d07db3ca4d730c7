import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describeIoError, formatFieldPath, HvsimError, parseStrict } from '@hvsim/spec';
import { DocumentPathError, parseDocumentPath, writePath } from './document-path';
import { type LoadedScenario, parseScenarioValue } from './load';
import { defaultRegistry, type Registry } from './registry';
import { ScenarioError, type ScenarioIssue } from './scenario-error';
import { MAX_SWEEP_RUNS, type SweepFile, sweepSchema } from './sweep-schema';
import { readYaml } from './yaml-document';

/** One combination of the axes' values: the complete scenario it makes, validated. */
export interface SweepPoint {
  /** Each axis's value at this point (a matrix path's value, a variant's name), in the axes' order. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The scenario with the values written in (and the sweep's scale), seed aside: a run sets its seed. */
  readonly scenario: Readonly<Record<string, unknown>>;
  /** The scenario as validated (on its own seed), for checks such as the names of its VMs. */
  readonly loaded: LoadedScenario;
}

/** A sweep file with its defaults, its ranges as lists and its scenario inline. */
export type ResolvedSweep = Omit<SweepFile, 'scenario' | 'matrix'> & {
  readonly scenario: Record<string, unknown>;
  readonly matrix: Record<string, unknown[]>;
};

/** A sweep file as resolved: every range expanded, the scenario inline, each point validated. */
export interface SweepPlan {
  readonly source: string;
  /** What ran: the sweep file with its defaults, its ranges as lists and its scenario inline. */
  readonly sweep: ResolvedSweep;
  /** Where the scenario's relative paths start: the scenario file's folder, or the sweep file's. */
  readonly baseDir: string;
  /** What the sweep varies: each matrix path, then each variant axis's name. */
  readonly axes: readonly string[];
  /** Each axis's values, in order: a matrix path's values, a variant axis's variant names. */
  readonly levels: Readonly<Record<string, readonly unknown[]>>;
  readonly points: readonly SweepPoint[];
  readonly seeds: readonly number[];
}

export interface SweepPlanOptions {
  readonly registry?: Registry;
  /** Run every point as a miniature at this scale, whatever the sweep file says (`sweep --scale`). */
  readonly scale?: number;
}

/** Reads a sweep file and plans it: see `parseSweep`. */
export async function loadSweep(path: string, options: SweepPlanOptions = {}): Promise<SweepPlan> {
  return parseSweep(await readText(path, 'the sweep file'), path, dirname(resolve(path)), options);
}

/**
 * Validates a sweep file and expands it: every combination of the matrix's values that no `exclude` entry
 * matches, each written into the scenario and validated as a scenario. Every problem is found here, before
 * anything runs, and each names its path (and, for a point, the values that made it invalid).
 */
export async function parseSweep(
  text: string,
  source: string,
  dir: string,
  options: SweepPlanOptions = {},
): Promise<SweepPlan> {
  const parsed = parseStrict(sweepSchema, readYaml(text, source), 'the sweep file', 'field');
  if (!parsed.success) {
    throw new ScenarioError(
      source,
      parsed.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: issue.message })),
    );
  }
  const file = parsed.data;
  const scale = options.scale ?? file.scale;
  const registry = options.registry ?? defaultRegistry();
  const { scenario, baseDir } = await scenarioOf(file, dir, source);
  const matrix = expandMatrix(file.matrix);
  const levels: Record<string, unknown[]> = {
    ...matrix,
    ...Object.fromEntries(
      Object.entries(file.variants).map(([axis, variants]) => [axis, Object.keys(variants)]),
    ),
  };
  const axes = Object.keys(levels);
  checkAxes(source, file, levels);
  const combos = combinations(levels).filter((values) => !file.exclude.some((ex) => matches(ex, values)));
  if (combos.length === 0) {
    throw new ScenarioError(source, [
      { path: 'exclude', message: 'expected some combination left to run; every one is excluded' },
    ]);
  }
  const runs = combos.length * file.seeds.length;
  if (runs > MAX_SWEEP_RUNS) {
    throw new ScenarioError(source, [
      {
        path: 'matrix',
        message: `${runs.toLocaleString('en')} runs; expected at most ${MAX_SWEEP_RUNS.toLocaleString('en')}`,
      },
    ]);
  }
  const issues: PointIssue[] = [];
  const points: SweepPoint[] = [];
  for (const values of combos) {
    const where = axes.map((axis) => `${axis}=${JSON.stringify(values[axis])}`).join(', ');
    const document = structuredClone(scenario);
    // The matrix first, then the variants: a variant's paths win over the matrix's.
    const writes = axes.flatMap((axis): [string, string, unknown][] => {
      const variants = file.variants[axis];
      if (variants === undefined) return [[`matrix["${axis}"]`, axis, values[axis]]];
      const label = values[axis] as string;
      return Object.entries(variants[label]!).map(([path, value]) => [
        `variants["${axis}"]["${label}"]["${path}"]`,
        path,
        value,
      ]);
    });
    try {
      for (const [, path, value] of writes) writePath(document, path, value);
      if (scale !== undefined) document['scale'] = scale;
      const loaded = await parseScenarioValue(document, `${source} at ${where}`, registry, baseDir);
      points.push({ values, scenario: document, loaded });
    } catch (error) {
      if (error instanceof ScenarioError) {
        issues.push(...error.issues.map((i) => ({ ...i, where })));
      } else if (error instanceof DocumentPathError) {
        const at = writes.find(([, path]) => path === error.field)?.[0] ?? error.field!;
        issues.push({ path: at, message: error.reason, where });
      } else throw error;
    }
  }
  if (issues.length > 0) throw new ScenarioError(source, dedupe(issues));
  return {
    source,
    sweep: { ...file, ...(scale === undefined ? {} : { scale }), scenario, matrix },
    baseDir,
    axes,
    levels,
    points,
    seeds: file.seeds,
  };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new HvsimError('unreadable-sweep', `cannot read ${what}: ${describeIoError(error)}`, path);
  }
}

/** The scenario as a document, and where its relative paths start. */
async function scenarioOf(
  file: SweepFile,
  dir: string,
  source: string,
): Promise<{ scenario: Record<string, unknown>; baseDir: string }> {
  if (typeof file.scenario !== 'string') return { scenario: file.scenario, baseDir: dir };
  const path = resolve(dir, file.scenario);
  const value = readYaml(await readText(path, 'the scenario file'), path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScenarioError(source, [
      { path: 'scenario', message: `expected ${path} to hold a scenario (a map)` },
    ]);
  }
  return { scenario: value as Record<string, unknown>, baseDir: dirname(path) };
}

/** Every matrix entry as its list of values: a range counted out, each value rounded past float error. */
export function expandMatrix(matrix: SweepFile['matrix']): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(matrix).map(([path, values]) => {
      if (Array.isArray(values)) return [path, values];
      const { from, to, step } = values;
      const count = Math.floor((to - from) / step + 1e-9) + 1;
      return [path, Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)))];
    }),
  );
}

/**
 * There is something to vary; every path parses; a variant axis is not also a matrix path; `exclude` and charts
 * name only axes, and exclusions values the axes have.
 */
function checkAxes(source: string, file: SweepFile, levels: Record<string, unknown[]>): void {
  const axes = Object.keys(levels);
  const issues: ScenarioIssue[] = [];
  if (axes.length === 0) {
    issues.push({
      path: 'matrix',
      message: 'expected at least one path to vary, such as host.memory: [1GiB, 512MiB] (or variants)',
    });
  }
  const checkPath = (path: string, at: string) => {
    try {
      parseDocumentPath(path);
    } catch (error) {
      issues.push({ path: at, message: (error as DocumentPathError).reason });
    }
  };
  for (const path of Object.keys(file.matrix)) checkPath(path, `matrix["${path}"]`);
  for (const [axis, variants] of Object.entries(file.variants)) {
    if (axis in file.matrix) {
      issues.push({ path: `variants["${axis}"]`, message: "expected a name apart from the matrix's paths" });
    }
    for (const [label, paths] of Object.entries(variants)) {
      for (const path of Object.keys(paths)) checkPath(path, `variants["${axis}"]["${label}"]["${path}"]`);
    }
  }
  const list = axes.join(', ');
  file.exclude.forEach((entry, i) => {
    for (const [axis, value] of Object.entries(entry)) {
      const values = levels[axis];
      if (values === undefined) {
        issues.push({
          path: `exclude[${i}]["${axis}"]`,
          message: `expected a matrix path or variant axis (${list})`,
        });
      } else if (!values.some((v) => same(v, value))) {
        issues.push({
          path: `exclude[${i}]["${axis}"]`,
          message: `expected one of its values (${values.map((v) => JSON.stringify(v)).join(', ')}), got ${JSON.stringify(value)}`,
        });
      }
    }
  });
  const charts = file.chart === undefined ? [] : Array.isArray(file.chart) ? file.chart : [file.chart];
  charts.forEach((chart, i) => {
    const at = Array.isArray(file.chart) ? `chart[${i}]` : 'chart';
    for (const key of ['x', 'color'] as const) {
      const axis = chart[key];
      if (axis !== undefined && !axes.includes(axis)) {
        issues.push({
          path: `${at}.${key}`,
          message: `expected a matrix path or variant axis (${list}), got "${axis}"`,
        });
      }
    }
  });
  if (issues.length > 0) throw new ScenarioError(source, issues);
}

/** Values are the same when their JSON is (a matrix value is data: numbers, text, lists, maps). */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const matches = (exclusion: Record<string, unknown>, values: Record<string, unknown>): boolean =>
  Object.entries(exclusion).every(([path, value]) => same(values[path], value));

/** Every combination of the axes' values, the first axis varying slowest. */
function combinations(levels: Record<string, unknown[]>): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [axis, values] of Object.entries(levels)) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [axis]: value })));
  }
  return combos;
}

/** A point's problem, and the axes' values that made the point. */
interface PointIssue extends ScenarioIssue {
  readonly where: string;
}

/** The same problem at many points is reported once, for the first of them. */
function dedupe(issues: readonly PointIssue[]): ScenarioIssue[] {
  const seen = new Map<string, ScenarioIssue>();
  for (const { path, message, where } of issues) {
    const key = `${path}\0${message}`;
    if (!seen.has(key)) seen.set(key, { path, message: `${message} (at ${where})` });
  }
  return [...seen.values()];
}
