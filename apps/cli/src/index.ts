export { type Io, main } from './cli';
export {
  type DedupCounts,
  type DedupFileCounts,
  type DedupOptions,
  type DedupReport,
  dedupFiles,
} from './dedup';
export { DEMO_SCENARIO } from './demo';
export {
  type Experiment,
  type ExperimentFigure,
  type ExperimentResult,
  experiments,
  figure,
} from './experiments';
export { type RunOptions, type RunSummary, runScenario } from './run';
export { formatDedup, formatFigures, formatSummary } from './summary';
