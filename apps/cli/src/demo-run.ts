import { join } from 'node:path';
import {
  type DemoComparison,
  type DemoRunInput,
  demoComparison,
  demoReport,
  runReport,
} from '@hvsim/experiments';
import { writeChart, writeReport, writeRunOutputs } from '@hvsim/report';
import { writeYaml } from '@hvsim/scenario';
import type { RunOptions } from './run';
import { cliVersion } from './version';

/** What the demo wrote: each run's folder and files, the comparison's charts, and the report. */
export interface DemoFiles {
  readonly runs: readonly {
    readonly name: string;
    readonly dir: string;
    readonly files: readonly string[];
  }[];
  /** Each comparison chart's files: `<name>.svg` and `<name>.png`. */
  readonly charts: readonly { readonly name: string; readonly files: readonly string[] }[];
  readonly report: string;
}

/**
 * Runs the demo's two runs of one host and writes each run's outputs, its own report among them, into a
 * folder of its own under `out` (`<out>/<name>/`), the comparison's charts into `out`, and the demo's report
 * of both runs as `<out>/report.html`.
 */
export async function runDemo(
  inputs: readonly [DemoRunInput, DemoRunInput],
  out: string,
  options: Omit<RunOptions, 'out' | 'scale' | 'live'>,
): Promise<{ readonly demo: DemoComparison; readonly files: DemoFiles }> {
  const demo = demoComparison(inputs, {
    ...options,
    wallClock: () => performance.now(),
    charts: options.charts !== false,
  });
  const version = cliVersion();
  const scenarioTexts = [writeYaml(inputs[0].loaded.scenario), writeYaml(inputs[1].loaded.scenario)] as const;
  const runs: DemoFiles['runs'][number][] = [];
  for (const [i, { name, run }] of demo.runs.entries()) {
    const dir = join(out, name);
    const report = runReport(run, { version, scenarioText: scenarioTexts[i]! });
    runs.push({ name, dir, files: await writeRunOutputs(dir, { ...run, report }) });
  }
  const charts: DemoFiles['charts'][number][] = [];
  for (const { name, spec } of demo.charts)
    charts.push({ name, files: await writeChart(join(out, name), spec) });
  const report = await writeReport(out, demoReport(demo, { version, scenarioTexts }));
  return { demo, files: { runs, charts, report } };
}
