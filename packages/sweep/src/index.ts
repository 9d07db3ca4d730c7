export { type SeedStats, seedStats } from './aggregate';
export type { SweepExecutor } from './executor';
export { localExecutor } from './local-executor';
export { runHash } from './point-hash';
export { type QueueExecutorOptions, queueExecutor } from './queue-executor';
export { type QueueWorkerOptions, runQueueWorker } from './queue-worker';
export { type RunJob, type RunResult, runJob } from './run-point';
export { RunStore } from './run-store';
export { runSweep, type SweepOptions, type SweepOutcome, type SweepProgress } from './run-sweep';
export { type ScenarioFile, scenarioFiles, TRAVEL_LIMIT } from './scenario-files';
export {
  blankSummary,
  defaultMetrics,
  MetricError,
  metricValue,
  type RunSummary,
  summaryMetrics,
} from './summary-metrics';
export { sweepChart } from './sweep-chart';
export { sweepReport } from './sweep-report';
export {
  type PointSummary,
  pointName,
  resultsCsv,
  type SweepRow,
  summarize,
  summaryCsv,
  valueText,
} from './sweep-table';
