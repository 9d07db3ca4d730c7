import {
  type DemoComparison,
  type DetectorScoreRow,
  type ExperimentFigure,
  figureRows,
  formatComparison,
  formatStory,
  type MiniatureCheck,
  miniatureRows,
  summaryRows,
  type TraceCurve,
} from '@hvsim/experiments';
import type { DedupReport } from '@hvsim/images';
import { formatSi, formatTable } from '@hvsim/report';
import { countOf, formatBytes, PAGE_SIZE, pagesToBytes } from '@hvsim/spec';
import type { DemoFiles } from './demo-run';
import type { RunSummary } from './run';

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** The end-of-run summary: per VM, then how much was simulated and how fast. */
export function formatSummary(summary: RunSummary): string {
  const vms = formatTable(summaryRows(summary));
  const refusals = summary.vms
    .filter((vm) => vm.refused !== undefined)
    .map((vm) => `${vm.name} was not powered on: ${vm.refused}`);
  const lines = [
    summary.scenario,
    ...(summary.scale === 1
      ? []
      : [
          `a miniature at scale ${summary.scale}: one simulated page stood for ${summary.scale}, every figure is scaled back to the full host`,
        ]),
    '',
    vms.trimEnd(),
    ...(refusals.length > 0 ? ['', ...refusals] : []),
    '',
    `host: ${round(summary.hostFreeMiB)} MiB free, ${round(summary.hostSwapUsedMiB)} MiB in swap; ${countOf(summary.events, 'event')} logged`,
    `simulated ${round(summary.simulatedSeconds, 3)} s and ${formatSi(summary.ops, 'guest memory operations')} ` +
      `in ${round(summary.wallSeconds, 2)} s of wall time: ${formatSi(summary.opsPerSecond, 'ops/s')}`,
  ];
  if (summary.outputs.length > 0)
    lines.push(`wrote ${countOf(summary.outputs.length, 'file')} to ${dirOf(summary.outputs[0]!)}`);
  return lines.join('\n');
}

/**
 * The demo's output: each run's story, the comparison, how fast both were simulated, and the files written,
 * with paths as `shown` gives them.
 */
export function formatDemo(demo: DemoComparison, files: DemoFiles, shown: (path: string) => string): string {
  const summaries = demo.runs.map((r) => r.run.summary);
  const ops = summaries.reduce((total, s) => total + s.ops, 0);
  const wallSeconds = summaries.reduce((total, s) => total + s.wallSeconds, 0);
  const folders = files.runs.map((run) => `${shown(run.dir)}/`);
  const width = Math.max(...folders.map((folder) => folder.length));
  return [
    ...demo.runs.flatMap((run) => [formatStory(run.label, run.story), '']),
    formatComparison(demo.comparison),
    '',
    `simulated ${countOf(summaries.length, 'run')} of ${round(summaries[0]!.simulatedSeconds, 3)} s and ` +
      `${formatSi(ops, 'guest memory operations')} in ${round(wallSeconds, 2)} s of wall time`,
    'wrote:',
    ...files.runs.map(
      (run, i) =>
        `  ${folders[i]!.padEnd(width)}  ${countOf(run.files.length, 'file')} (${demo.runs[i]!.label})`,
    ),
    ...files.charts.map((chart) => `  ${chart.files.map(shown).join(', ')}`),
    `report: ${shown(files.report)}`,
  ].join('\n');
}

const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/'))) || '.';

/** Each VM's figures, full and per miniature with its error (a miss marked), then the speed of each. */
export function formatMiniatureCheck(check: MiniatureCheck): string {
  const rows = formatTable(miniatureRows(check));
  const speed = check.speed
    .map((s) =>
      s.scale === 1
        ? `full ${round(s.wallSeconds, 2)} s`
        : `R=${s.scale} ${round(s.wallSeconds, 2)} s (${round(s.speedup)}× faster)`,
    )
    .join(', ');
  return [
    `${check.scenario}, ${check.seeds.length === 1 ? `seed ${check.seeds[0]}` : `mean over seeds ${check.seeds.join(', ')}`}`,
    `errors: memory as a share of the VM's configured memory (tolerance ${100 * check.tolerances.memory}%), throughput of the full run's (tolerance ${100 * check.tolerances.throughput}%)`,
    '',
    rows.trimEnd(),
    '',
    `wall time per run: ${speed}`,
    check.pass ? 'every figure is within its tolerance' : 'some figures (✗) are outside their tolerance',
  ].join('\n');
}

/** An experiment's figures, published beside simulated, with tolerance and verdict. */
export function formatFigures(figures: readonly ExperimentFigure[]): string {
  return formatTable(figureRows(figures));
}

/** Detectors scored against the oracle, a row each. */
export function formatScores(rows: readonly DetectorScoreRow[]): string {
  const lag = (seconds: number | null) => (seconds === null ? '—' : round(seconds));
  return formatTable(
    rows.map((r) => ({
      vm: r.vm,
      detector: r.detector,
      'mean abs. error MiB': round(r.meanAbsoluteErrorMiB),
      'lag up s': lag(r.lagUpSeconds),
      'lag down s': lag(r.lagDownSeconds),
      'pages checked/s': round(r.checksPerSecond),
    })),
  );
}

/** What sharing would find in some files: a row per file, a total row, and the memory it would give back. */
export function formatDedup(report: DedupReport): string {
  const rows = [...report.files, { path: 'total', ...report.total }].map((r) => ({
    file: r.path,
    pages: r.pages,
    'zero pages': r.zeroPages,
    'shared pages': r.sharedPages,
    'reclaimed pages': r.reclaimedPages,
  }));
  const { pages, reclaimedPages } = report.total;
  const size = (count: number) => formatBytes(pagesToBytes(count));
  const share = pages === 0 ? 0 : round((100 * reclaimedPages) / pages);
  return (
    `${formatTable(rows)}\nsharing would reclaim ${size(reclaimedPages)} of ${size(pages)} (${share}%): ` +
    `all the pages fit in ${size(pages - reclaimedPages)} of frames`
  );
}

/** The curve as rows of (cache size in pages, miss ratio): a table, CSV or JSON. */
export function formatCurve(result: TraceCurve, format: 'table' | 'csv' | 'json'): string {
  const { sizes, missRatios } = result.curve;
  const points = Array.from(sizes, (pages, i) => ({ pages, missRatio: missRatios[i]! }));
  if (format === 'json') {
    const { trace, format: traceFormat, method, rate } = result;
    return `${JSON.stringify({ trace, format: traceFormat, method, rate, references: result.curve.references, points }, null, 2)}\n`;
  }
  if (format === 'csv')
    return `pages,miss_ratio\n${points.map((p) => `${p.pages},${p.missRatio}`).join('\n')}\n`;
  return `${formatTable(
    points.map((p) => ({
      'cache (pages)': p.pages,
      'cache MiB': Number(((p.pages * PAGE_SIZE) / 2 ** 20).toFixed(2)),
      'miss ratio': Number(p.missRatio.toFixed(4)),
    })),
  )}\n`;
}
