import { type ChartSpec, type TimeSeriesChartOptions, timeSeriesChart } from '@hvsim/report';
import type { LoadedScenario } from '@hvsim/scenario';
import { InvalidInputError, type MetricSeries, type MetricsTable } from '@hvsim/spec';
import { compareRuns, type RunStory, type StoryComparison, totalOf } from './run-story';
import {
  IN_MIB,
  type ScenarioRun,
  type ScenarioRunOptions,
  seriesOf,
  simulateScenario,
} from './scenario-run';
import { percentText, secondsText } from './story-text';

/** One way of running the host: a name for its folder (`host-paging`), a label for people, the scenario. */
export interface DemoRunInput {
  readonly name: string;
  readonly label: string;
  readonly loaded: LoadedScenario;
}

/** One run of the comparison, with its story. */
export interface DemoRun {
  readonly name: string;
  readonly label: string;
  readonly run: ScenarioRun;
  readonly story: RunStory;
}

/** What `hvsim demo` runs and shows: the same host run two ways, each run's story, and the difference. */
export interface DemoComparison {
  readonly runs: readonly [DemoRun, DemoRun];
  readonly comparison: StoryComparison;
  /** Both runs over time in one chart each (when asked for charts): all VMs' throughput, free memory, host swap. */
  readonly charts: readonly { readonly name: string; readonly spec: ChartSpec }[];
}

export interface DemoComparisonOptions extends Omit<ScenarioRunOptions, 'onProgress'> {
  /** Called with the fraction of both runs done. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * Runs one host two ways (host paging only, then the ESX stack, in the demo) and tells each run's story and
 * the difference from the moment the first run's memory filled; with `charts`, each run's default charts and
 * the comparison's.
 */
export function demoComparison(
  inputs: readonly [DemoRunInput, DemoRunInput],
  options: DemoComparisonOptions,
): DemoComparison {
  const { onProgress, ...runOptions } = options;
  const both = <T>(make: (i: 0 | 1) => T): readonly [T, T] => [make(0), make(1)];
  const runs = both((i) =>
    simulateScenario(inputs[i].loaded, {
      ...runOptions,
      onProgress: (fraction) => onProgress?.((i + fraction) / 2),
    }),
  );
  const { stories, comparison } = compareRuns(both((i) => ({ label: inputs[i].label, run: runs[i] })));
  const demoRuns = both((i) => ({
    name: inputs[i].name,
    label: inputs[i].label,
    run: runs[i],
    story: stories[i],
  }));
  return {
    runs: demoRuns,
    comparison,
    charts: options.charts === true ? demoComparisonCharts(demoRuns, comparison) : [],
  };
}

/** One series per run, labelled by the run, of a host figure or a per-VM one summed over the VMs. */
function bothRuns(runs: readonly DemoRun[], values: (metrics: MetricsTable) => Float64Array): MetricsTable {
  const times = runs[0]!.run.metrics.times;
  runs.forEach(({ run, label }) => {
    const other = run.metrics.times;
    if (other.length !== times.length || other.some((t, i) => t !== times[i])) {
      throw new InvalidInputError(
        `runs[${label}]`,
        'expected every run sampled at the same times (the same duration and metricInterval)',
      );
    }
  });
  return {
    times,
    series: runs.map(({ run, label }) => ({ name: label, unit: '', vm: label, values: values(run.metrics) })),
  };
}

const hostSeries = (name: string) => (metrics: MetricsTable) => seriesOf(metrics, undefined, name);

/**
 * The two runs in one chart each: all VMs' throughput (symlog), free memory with the full line, host swap;
 * with `page`, drawn for a report page (interactive, long series cut down for display).
 */
export function demoComparisonCharts(
  runs: readonly DemoRun[],
  comparison: StoryComparison,
  page?: Pick<TimeSeriesChartOptions, 'interactive' | 'maxPoints' | 'width' | 'height'>,
): { name: string; spec: ChartSpec }[] {
  const forPage = page ?? {};
  const story = runs[0]!.story;
  const filled =
    comparison.splitAt === undefined
      ? `memory never filled with ${runs[0]!.label}`
      : `memory filled at ${secondsText(comparison.splitAt)} with ${runs[0]!.label}`;
  const every = () => true;
  const byRun = (s: MetricSeries) => s.vm!;
  const full = story.fullBelow * story.hostMiB;
  return [
    {
      name: 'compare-throughput',
      spec: timeSeriesChart(
        bothRuns(runs, (m) => totalOf(m, 'throughput')),
        {
          title: `Throughput of all VMs (${filled})`,
          yTitle: 'ops per simulated second (symlog)',
          yScale: 'symlog',
          series: every,
          label: byRun,
          ...forPage,
        },
      ),
    },
    {
      name: 'compare-free',
      spec: timeSeriesChart(bothRuns(runs, hostSeries('free')), {
        title: `Free host memory (${filled})`,
        ...IN_MIB,
        series: every,
        label: byRun,
        rules: [{ label: `full: ${percentText(story.fullBelow)} of the host's memory`, value: full }],
        ...forPage,
      }),
    },
    {
      name: 'compare-swap',
      spec: timeSeriesChart(bothRuns(runs, hostSeries('swap-used')), {
        title: 'Memory in host swap',
        ...IN_MIB,
        series: every,
        label: byRun,
        ...forPage,
      }),
    },
  ];
}
