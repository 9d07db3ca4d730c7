export { type Io, main } from './cli';
export { DEMO_SCENARIO } from './demo';
export { type RunOptions, type RunSummary, runScenario } from './run';
export { formatDedup, formatFigures, formatSummary } from './summary';
