import { InvalidInputError, type MetricsTable } from '@hvsim/spec';
import { mib, type ScenarioRun, seriesOf } from './scenario-run';

/**
 * Free memory at or below this share of the host's memory counts as full: ESX's `hard` state (2%), where
 * ESX itself starts paging. Host paging alone leaves none free once full, so any small share finds it.
 */
export const FULL_BELOW = 0.02;

export interface RunStoryOptions {
  /** The share of the host's memory at or below which free memory counts as full (default `FULL_BELOW`). */
  readonly fullBelow?: number;
}

/** Mean throughput, in ops per simulated second, before a moment of the run and after it. */
export interface Throughput {
  /**
   * From the first sample with an op (a VM booting or not yet on does no work) up to the split, or over the
   * whole run when there is none.
   */
  readonly before: number;
  /** After the split; absent without a split, or without samples after it. */
  readonly after?: number;
}

/** What one VM did, in figures of the run. */
export interface VmStory {
  readonly name: string;
  readonly throughput: Throughput;
  /** The most of its memory in host swap at once. */
  readonly swappedMiB: number;
  /** Pages its guest paged out that the host had already swapped (each read back from host swap to do so). */
  readonly doublePaging: number;
  /** The most of its memory its balloon held at once. */
  readonly balloonedMiB: number;
  /** The most of its memory mapped to shared frames at once. */
  readonly sharedMiB: number;
}

/** The facts of a run's story, each a number taken from its metrics: times in simulated seconds. */
export interface RunStory {
  readonly scenario: string;
  readonly hostMiB: number;
  readonly seconds: number;
  /** The share of the host's memory at or below which free memory counted as full. */
  readonly fullBelow: number;
  /** The first sample at which free memory was at or below `fullBelow` of the host's; absent: it never was. */
  readonly filledAt?: number;
  /** The least free memory of any sample, and the first sample that had it. */
  readonly lowestFree: { readonly mib: number; readonly at: number };
  /**
   * Where throughput splits into before and after: when memory filled, or, in a comparison, when it filled
   * in the first run. Absent: no split, and throughput is the whole run's.
   */
  readonly splitAt?: number;
  readonly vms: readonly VmStory[];
  /** All VMs together: their throughput summed per sample, then averaged as each VM's is. */
  readonly total: Throughput;
  /** The most host swap held at once. */
  readonly swapMiB: number;
  /** Pages paged twice, all VMs, and the memory they come to. */
  readonly doublePaging: { readonly pages: number; readonly mib: number };
  /** The most memory all balloons held at once. */
  readonly balloonedMiB: number;
  /** The most memory sharing saved at once: pages mapped to shared frames, less the frames that hold them. */
  readonly sharingSavedMiB: number;
}

/** A per-VM metric summed over the VMs, sample by sample: all VMs' throughput, say. */
export function totalOf(metrics: MetricsTable, name: string): Float64Array {
  const total = new Float64Array(metrics.times.length);
  for (const series of metrics.series) {
    if (series.vm === undefined || series.name !== name) continue;
    for (let i = 0; i < total.length; i++) total[i] = total[i]! + series.values[i]!;
  }
  return total;
}

const peak = (values: ArrayLike<number>): number => {
  let top = 0;
  for (let i = 0; i < values.length; i++) top = Math.max(top, values[i]!);
  return top;
};

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** Mean throughput before and after `splitAt` (seconds), from the first sample with an op. */
function throughputOf(values: Float64Array, seconds: readonly number[], splitAt?: number): Throughput {
  const first = values.findIndex((v) => v > 0);
  const before: number[] = [];
  const after: number[] = [];
  values.forEach((value, i) => {
    if (splitAt !== undefined && seconds[i]! > splitAt) after.push(value);
    else if (first >= 0 && i >= first) before.push(value);
  });
  return { before: mean(before), ...(after.length === 0 ? {} : { after: mean(after) }) };
}

/** The story's facts with throughput split at `splitAt` (none: whole runs). */
function storyOf(run: ScenarioRun, fullBelow: number, split: 'filled' | number | undefined): RunStory {
  if (!(fullBelow > 0 && fullBelow < 1)) {
    throw new InvalidInputError(
      'fullBelow',
      `expected a share of the host's memory in (0, 1), got ${fullBelow}`,
    );
  }
  const { summary, metrics } = run;
  const seconds = Array.from(metrics.times, (t) => t / 1e9);
  const free = seriesOf(metrics, undefined, 'free');
  // Free memory is in pages: the host's in pages is its MiB over a page's MiB.
  const full = (fullBelow * summary.hostMemoryMiB) / mib(1);
  const filled = free.findIndex((pages) => pages <= full);
  const filledAt = filled < 0 ? undefined : seconds[filled]!;
  const lowest = free.reduce((at, pages, i) => (pages < free[at]! ? i : at), 0);
  const splitAt = split === 'filled' ? filledAt : split;
  const sharedFrames = seriesOf(metrics, undefined, 'shared-frames');
  const shared = totalOf(metrics, 'shared');
  const doublePaging = summary.vms.reduce((sum, vm) => sum + vm.doublePaging, 0);
  return {
    scenario: summary.scenario,
    hostMiB: summary.hostMemoryMiB,
    seconds: summary.simulatedSeconds,
    fullBelow,
    ...(filledAt === undefined ? {} : { filledAt }),
    lowestFree:
      free.length === 0
        ? { mib: summary.hostFreeMiB, at: summary.simulatedSeconds }
        : { mib: mib(free[lowest]!), at: seconds[lowest]! },
    ...(splitAt === undefined ? {} : { splitAt }),
    vms: summary.vms.map((vm) => ({
      name: vm.name,
      throughput: throughputOf(seriesOf(metrics, vm.name, 'throughput'), seconds, splitAt),
      swappedMiB: mib(peak(seriesOf(metrics, vm.name, 'swapped'))),
      doublePaging: vm.doublePaging,
      balloonedMiB: mib(peak(seriesOf(metrics, vm.name, 'ballooned'))),
      sharedMiB: mib(peak(seriesOf(metrics, vm.name, 'shared'))),
    })),
    total: throughputOf(totalOf(metrics, 'throughput'), seconds, splitAt),
    swapMiB: mib(peak(seriesOf(metrics, undefined, 'swap-used'))),
    doublePaging: { pages: doublePaging, mib: mib(doublePaging) },
    balloonedMiB: mib(peak(totalOf(metrics, 'ballooned'))),
    sharingSavedMiB: mib(peak(shared.map((pages, i) => pages - sharedFrames[i]!))),
  };
}

/**
 * The facts of what a run did, from its metrics: when the host's memory filled (the first sample whose free
 * memory is at or below `fullBelow` of it), each VM's and all VMs' mean throughput before and after that,
 * how much went to host swap, how many pages were paged twice, and what ballooning and sharing held.
 */
export function runStory(run: ScenarioRun, options: RunStoryOptions = {}): RunStory {
  return storyOf(run, options.fullBelow ?? FULL_BELOW, 'filled');
}

/** A run and what to call it in a comparison: `host paging only`. */
export interface LabelledRun {
  readonly label: string;
  readonly run: ScenarioRun;
}

/** One figure of each run, in the order of the comparison's labels. */
export type Pair = readonly [number, number];

/** Two runs of one host side by side, after the moment the first one's memory filled. */
export interface StoryComparison {
  readonly labels: readonly [string, string];
  /** When the first run's memory filled, in simulated seconds; absent: it never did, and figures are whole runs'. */
  readonly splitAt?: number;
  /** Each VM's mean throughput after `splitAt` (ops/s), by name, the VMs of either run; 0 where a run lacks it. */
  readonly vms: readonly { readonly name: string; readonly throughput: Pair }[];
  /** All VMs' mean throughput after `splitAt` (ops/s). */
  readonly total: Pair;
  readonly swapMiB: Pair;
  readonly doublePagingPages: Pair;
  readonly doublePagingMiB: Pair;
  readonly balloonedMiB: Pair;
  readonly sharingSavedMiB: Pair;
}

/** Throughput after the split, or over the run without one. */
const afterSplit = (t: Throughput | undefined): number => t?.after ?? t?.before ?? 0;

/**
 * Two runs of the same host told and compared: the second's throughput split where the first's memory
 * filled, so both say what happened from the same moment on.
 */
export function compareRuns(
  runs: readonly [LabelledRun, LabelledRun],
  options: RunStoryOptions = {},
): { readonly stories: readonly [RunStory, RunStory]; readonly comparison: StoryComparison } {
  if (runs[0].label === runs[1].label) {
    throw new InvalidInputError(
      'runs[1].label',
      `expected a label of its own, got the first run's: ${runs[0].label}`,
    );
  }
  const fullBelow = options.fullBelow ?? FULL_BELOW;
  const first = storyOf(runs[0].run, fullBelow, 'filled');
  const second = storyOf(runs[1].run, fullBelow, first.splitAt);
  const stories = [first, second] as const;
  const pair = (figure: (story: RunStory) => number): Pair => [figure(first), figure(second)];
  const names = [...new Set(stories.flatMap((story) => story.vms.map((vm) => vm.name)))];
  const vmOf = (story: RunStory, name: string) => story.vms.find((vm) => vm.name === name)?.throughput;
  return {
    stories,
    comparison: {
      labels: [runs[0].label, runs[1].label],
      ...(first.splitAt === undefined ? {} : { splitAt: first.splitAt }),
      vms: names.map((name) => ({ name, throughput: pair((s) => afterSplit(vmOf(s, name))) })),
      total: pair((s) => afterSplit(s.total)),
      swapMiB: pair((s) => s.swapMiB),
      doublePagingPages: pair((s) => s.doublePaging.pages),
      doublePagingMiB: pair((s) => s.doublePaging.mib),
      balloonedMiB: pair((s) => s.balloonedMiB),
      sharingSavedMiB: pair((s) => s.sharingSavedMiB),
    },
  };
}
