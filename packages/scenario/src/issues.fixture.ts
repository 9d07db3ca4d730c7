import { parseScenario } from './load';
import { ScenarioError, type ScenarioIssue } from './scenario-error';

/** The problems a scenario text is refused with; an error if it is accepted. */
export async function problems(text: string): Promise<ScenarioIssue[]> {
  try {
    await parseScenario(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}
