export { type Io, main } from './cli';
export { DEMO_SCENARIO } from './demo';
export {
  type Experiment,
  type ExperimentFigure,
  type ExperimentResult,
  experiments,
  figure,
} from './experiments';
export { type RunOptions, type RunSummary, runScenario } from './run';
export { formatFigures, formatSummary } from './summary';
