import { join } from 'node:path';
import {
  describeIoError,
  HvsimError,
  InvalidInputError,
  type MetricsTable,
  type SimEvent,
} from '@hvsim/spec';
import { type PngOptions, renderPng, renderSvg } from './chart';
import { eventsToJsonLines, metricsToCsv, metricsToJson } from './csv';
import { makeFolder } from './folder';
import { type HtmlReport, renderHtmlReport } from './html-report';
import { writeOutput } from './write-file';

/** What a run leaves behind for a report. */
export interface RunOutputs {
  /** What was run and its totals (the scenario, seed, scale…), written to `summary.json` when given. */
  readonly summary?: object;
  readonly metrics: MetricsTable;
  readonly events: readonly SimEvent[];
  /** Charts to render, each to `<name>.svg` and `<name>.png`; a spec is a vega-lite spec (see `chart.ts`). */
  readonly charts: readonly { readonly name: string; readonly spec: object }[];
  /** The page to write as `report.html`, when given. */
  readonly report?: HtmlReport;
}

export interface WriteRunOutputsOptions {
  /** How the PNGs are drawn (width, fonts). */
  readonly png?: PngOptions;
}

/** A chart name must be a plain file name: letters, digits, `.`, `_`, `-`, not starting with a dot. */
const CHART_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Writes a run's outputs into `dir` (created with its parents): `summary.json` when given, `metrics.json`, `metrics.csv`,
 * `events.jsonl`, then `<name>.svg` and `<name>.png` for each chart, then `report.html` when given. Returns the written paths in that
 * order. A folder or file that cannot be written is an {@link HvsimError} (`output-write-failed`) naming
 * the path; a bad chart name or a chart that does not render fails before anything is written.
 */
export async function writeRunOutputs(
  dir: string,
  run: RunOutputs,
  options: WriteRunOutputsOptions = {},
): Promise<string[]> {
  const names = new Set<string>();
  run.charts.forEach((chart, index) => {
    if (!CHART_NAME.test(chart.name)) {
      throw new InvalidInputError(
        `charts[${index}].name`,
        `expected a file name of letters, digits, ".", "_" and "-", got ${JSON.stringify(chart.name)}`,
      );
    }
    if (names.has(chart.name)) {
      throw new InvalidInputError(
        `charts[${index}].name`,
        `the name ${JSON.stringify(chart.name)} is used twice`,
      );
    }
    names.add(chart.name);
  });

  const files: [name: string, content: string | Uint8Array][] = [
    ...(run.summary === undefined
      ? []
      : [['summary.json', `${JSON.stringify(run.summary, null, 2)}\n`] as [string, string]]),
    ['metrics.json', metricsToJson(run.metrics)],
    ['metrics.csv', metricsToCsv(run.metrics)],
    ['events.jsonl', eventsToJsonLines(run.events)],
  ];
  for (const chart of run.charts) {
    const svg = await renderSvg(chart.spec);
    files.push([`${chart.name}.svg`, svg], [`${chart.name}.png`, renderPng(svg, options.png)]);
  }
  if (run.report !== undefined) files.push(['report.html', renderHtmlReport(run.report)]);

  try {
    makeFolder(dir);
  } catch (error) {
    throw writeFailed(dir, error);
  }
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = join(dir, name);
    await writeOutput(path, content, "the run's outputs");
    written.push(path);
  }
  return written;
}

function writeFailed(path: string, error: unknown): HvsimError {
  return new HvsimError(
    'output-write-failed',
    `cannot write the run's outputs: ${describeIoError(error)}`,
    path,
  );
}

/** Writes a report page to `<dir>/report.html`, making the folder when missing; returns the file's path. */
export async function writeReport(dir: string, report: HtmlReport): Promise<string> {
  try {
    makeFolder(dir);
  } catch (error) {
    throw writeFailed(dir, error);
  }
  const path = join(dir, 'report.html');
  await writeOutput(path, renderHtmlReport(report), 'the report');
  return path;
}
