export { type Io, main } from './cli';
export { DEMO_RUNS, DEMO_SCENARIO } from './demo';
export { type DemoFiles, type RunOptions, type RunSummary, runDemo, runScenario } from './run';
export { formatDedup, formatDemo, formatFigures, formatSummary } from './summary';
