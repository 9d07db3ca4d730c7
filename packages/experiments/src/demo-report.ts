import type { HtmlReport } from '@hvsim/report';
import { type DemoComparison, demoComparisonCharts } from './demo-comparison';
import { PAGE_CHART, runFacts, runSections } from './run-report';
import { formatComparison, formatStory } from './story-text';

/**
 * The demo as one HTML report: what happened in each run and the difference, in words and in charts of both
 * runs, then each run in full (its summary, memory, throughput, each VM, events) and the scenarios as run.
 */
export function demoReport(
  demo: DemoComparison,
  options: { readonly version: string; readonly scenarioTexts: readonly [string, string] },
): HtmlReport {
  const [first, second] = demo.runs;
  return {
    title: `hvsim demo: ${first.label} against ${second.label}`,
    kind: 'demo',
    facts: runFacts(first.run, options.version),
    vms: first.run.summary.vms.map((vm) => vm.name),
    sections: [
      {
        title: 'What happened',
        blocks: [
          {
            kind: 'code',
            text: [
              ...demo.runs.map((run) => formatStory(run.label, run.story)),
              formatComparison(demo.comparison),
            ].join('\n\n'),
          },
        ],
      },
      {
        title: 'Both runs',
        blocks: demoComparisonCharts(demo.runs, demo.comparison, PAGE_CHART).map(({ name, spec }) => ({
          kind: 'chart' as const,
          name,
          spec,
        })),
      },
      ...demo.runs.flatMap((run) => runSections(run.run, { name: run.name, label: run.label })),
      {
        title: 'Scenarios',
        blocks: demo.runs.map((run, i) => ({
          kind: 'code' as const,
          caption: `${run.label}, as run`,
          text: options.scenarioTexts[i]!,
        })),
      },
    ],
  };
}
