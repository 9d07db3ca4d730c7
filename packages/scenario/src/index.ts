export { creationProblems } from './creation-check';
export { scenarioJsonSchema } from './json-schema';
export { type LoadedScenario, loadScenario, parseScenario } from './load';
export { type OptionDoc, optionDocs } from './option-docs';
export { loadPlugins } from './plugins';
export { type AnyDefinition, defaultRegistry, Registry, RegistryError, SCENARIO_CONTRACTS } from './registry';
export { ScenarioError, type ScenarioIssue } from './scenario-error';
export {
  type Scenario,
  type ScenarioInput,
  scenarioSchema,
  type VmEntry,
  vmSchema,
} from './schema';
