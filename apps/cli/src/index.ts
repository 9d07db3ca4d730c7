export { type Io, main } from './cli';
export { DEMO_RUNS, DEMO_SCENARIO } from './demo';
export { type DemoFiles, runDemo } from './demo-run';
export { type LiveOptions, type RunOptions, type RunSummary, runScenario } from './run';
export { formatDedup, formatDemo, formatFigures, formatSummary } from './summary';
