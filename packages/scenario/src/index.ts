export { creationProblems } from './creation-check';
export {
  DocumentPathError,
  type PathStep,
  parseDocumentPath,
  readPath,
  writePath,
} from './document-path';
export { scenarioJsonSchema, sweepJsonSchema } from './json-schema';
export {
  type LoadedScenario,
  loadScenario,
  parseScenario,
  parseScenarioValue,
  parseScenarioWith,
} from './load';
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
export {
  expandMatrix,
  loadSweep,
  parseSweep,
  type ResolvedSweep,
  type SweepPlan,
  type SweepPlanOptions,
  type SweepPoint,
} from './sweep-plan';
export { MAX_SWEEP_RUNS, type SweepChart, type SweepFile, sweepSchema } from './sweep-schema';
export { writeYaml } from './yaml-document';
