import { countOf, HvsimError } from '@hvsim/spec';

/** One thing wrong with a scenario: where in the file, and what was expected. */
export interface ScenarioIssue {
  readonly path: string;
  readonly message: string;
}

/** A scenario that cannot run: every issue found, each naming its path in the file. */
export class ScenarioError extends HvsimError {
  override readonly name = 'ScenarioError';
  readonly issues: readonly ScenarioIssue[];

  constructor(source: string, issues: readonly ScenarioIssue[]) {
    super(
      'invalid-scenario',
      `${issues.length === 1 ? 'a problem' : countOf(issues.length, 'problem')}:\n${issues
        .map((i) => `  ${i.path}: ${i.message}`)
        .join('\n')}`,
      source,
    );
    this.issues = issues;
  }
}
