export { creationProblems } from './creation-check';
export { scenarioJsonSchema } from './json-schema';
export { type LoadedScenario, loadScenario, parseScenario, ScenarioError, type ScenarioIssue } from './load';
export { type OptionDoc, optionDocs } from './option-docs';
export { loadPlugins } from './plugins';
export { type AnyDefinition, defaultRegistry, Registry, RegistryError, SCENARIO_CONTRACTS } from './registry';
export {
  type Scenario,
  type ScenarioInput,
  scenarioSchema,
  type VmEntry,
  vmSchema,
} from './schema';
