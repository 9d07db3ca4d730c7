import { scoreEstimate } from '@hvsim/detectors';
import { createHost } from '@hvsim/host';
import type { LoadedScenario } from '@hvsim/scenario';
import { HvsimError, type MetricsTable, PAGE_SIZE } from '@hvsim/spec';

/** One detector of one VM, scored against that VM's oracle. */
export interface DetectorScoreRow {
  readonly vm: string;
  readonly detector: string;
  readonly meanAbsoluteErrorMiB: number;
  /** Mean seconds to cover 90% of a step up (down) of the truth; null when the truth never moved that way. */
  readonly lagUpSeconds: number | null;
  readonly lagDownSeconds: number | null;
  /** Pages checked per simulated second (traps armed, access bits read): the overhead. */
  readonly checksPerSecond: number;
}

const ESTIMATE = 'active-estimate';
const mib = (pages: number) => (pages * PAGE_SIZE) / 2 ** 20;
const seconds = (ns: number) => (Number.isNaN(ns) ? null : ns / 1e9);

/** Scores every detector of every VM that has an oracle among its observers, from a run's metrics. */
export function scoreDetectors(metrics: MetricsTable, simulatedSeconds: number): DetectorScoreRow[] {
  const rows: DetectorScoreRow[] = [];
  const truths = metrics.series.filter((s) => s.name === `${ESTIMATE}:oracle`);
  if (truths.length === 0) {
    throw new HvsimError(
      'no-oracle',
      'no VM has an oracle to score against: add `observers: [oracle, …]` to the VMs to score',
      'vms[].observers',
    );
  }
  for (const truth of truths) {
    const ofVm = metrics.series.filter((s) => s.vm === truth.vm);
    for (const series of ofVm) {
      if (series !== truth && (series.name === ESTIMATE || series.name.startsWith(`${ESTIMATE}:`))) {
        const label = series.name === ESTIMATE ? '' : series.name.slice(ESTIMATE.length + 1);
        const checks = ofVm.find((s) => s.name === (label ? `detector-checks:${label}` : 'detector-checks'));
        const score = scoreEstimate(metrics.times, truth.values, series.values);
        rows.push({
          vm: truth.vm ?? '',
          detector: label || 'detector',
          meanAbsoluteErrorMiB: mib(score.meanAbsoluteError),
          lagUpSeconds: seconds(score.lagUp),
          lagDownSeconds: seconds(score.lagDown),
          checksPerSecond: (checks?.values.at(-1) ?? 0) / simulatedSeconds,
        });
      }
    }
  }
  return rows;
}

/** Runs a scenario to its duration and scores its detectors (`scoreDetectors`). */
export function scoreScenario(loaded: LoadedScenario): DetectorScoreRow[] {
  const host = createHost(loaded.host);
  host.run(loaded.duration);
  return scoreDetectors(host.metrics(), loaded.duration / 1e9);
}
