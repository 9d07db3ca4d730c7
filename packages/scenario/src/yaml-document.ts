import { parseDocument, stringify } from 'yaml';
import { ScenarioError } from './scenario-error';

/** yaml's message without the location it appends, which the path already gives. */
const yamlMessage = (message: string): string =>
  message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');

/** A YAML (or JSON) file's value; a syntax error is a ScenarioError naming each line and column. */
export function readYaml(text: string, source: string): unknown {
  // logLevel 'error': yaml would otherwise print a process warning for a key that is itself a list or map;
  // such a key reaches the schema as text and is refused there, by its path.
  const document = parseDocument(text, { prettyErrors: true, logLevel: 'error' });
  if (document.errors.length > 0) {
    throw new ScenarioError(
      source,
      document.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
        message: yamlMessage(e.message),
      })),
    );
  }
  try {
    return document.toJS();
  } catch (error) {
    // yaml resolves aliases only here: an alias before its anchor, or too many, throws (a ReferenceError).
    throw new ScenarioError(source, [{ path: '(file)', message: yamlMessage((error as Error).message) }]);
  }
}

/** A scenario or sweep as YAML: what a report shows as run, and a sweep's `sweep.yaml`. */
export const writeYaml = (value: unknown): string => stringify(value);
