import type { ExperimentFindings, ExperimentOptions } from './experiment';
import { findExperiment } from './registry';

/** What `runExperiment` returns: plain data, which JSON holds as it is (a non-finite number becomes null). */
export interface ExperimentResult extends ExperimentFindings {
  readonly name: string;
  readonly title: string;
  /** Whether every figure passed. */
  readonly pass: boolean;
}

/** Runs the registered experiment called `name` and checks its figures against the published ones. */
export async function runExperiment(
  name: string,
  options: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const experiment = findExperiment(name);
  const findings = await experiment.run(options);
  return { name, title: experiment.title, pass: findings.figures.every((f) => f.pass), ...findings };
}
