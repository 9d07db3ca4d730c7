/**
 * `@hvsim/spec/testing`: fast-check arbitraries for the types of `@hvsim/spec`, and the conformance suites of
 * its contracts, for property tests of any package (ours or a user's).
 */
export {
  type AllocationConformanceOptions,
  checkAllocationPolicyConformance,
} from './allocation-conformance';
export * from './arbitraries';
export { checkedCommands } from './checked-command';
export { checkDetectorConformance, type DetectorConformanceOptions } from './detector-conformance';
export { fuzzRuns, fuzzTimeout } from './fuzz-runs';
export {
  commandSettings,
  type MemoryReal,
  type MemoryReference,
  type ModelMachine,
  memoryModel,
} from './memory-model';
export {
  checkSharingEngineConformance,
  type SharingConformanceOptions,
  type SharingHarness,
} from './sharing-conformance';
export { TestMachine } from './test-machine';
export { checkWorkloadConformance, type WorkloadConformanceOptions } from './workload-conformance';
