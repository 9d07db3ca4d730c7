export { cmmScenario } from './cmm-overcommit';
export { compressionTierScenario } from './compression-tier';
export {
  type DemoComparison,
  type DemoComparisonOptions,
  type DemoRun,
  type DemoRunInput,
  demoComparison,
  demoComparisonCharts,
} from './demo-comparison';
export { demoReport } from './demo-report';
export { doublePagingScenario } from './double-paging';
export { esxFig2Scenario } from './esx-fig2';
export { fig4Scenario } from './esx-fig4';
export { FIG6_SCENARIO } from './esx-fig6';
export { FIG7_SCENARIO } from './esx-fig7';
export { FIG8_SCENARIO } from './esx-fig8';
export {
  above,
  below,
  comparison,
  type Experiment,
  type ExperimentFigure,
  type ExperimentFindings,
  type ExperimentOptions,
  figure,
  hostOn,
} from './experiment';
export { mebScenario } from './meb-balance';
export {
  CHECKED_METRICS,
  type CheckedMetric,
  DEFAULT_TOLERANCES,
  type MiniatureCheck,
  type MiniatureCheckOptions,
  type MiniatureRow,
  miniatureChart,
  miniatureCheck,
} from './miniature-check';
export { experimentList, experiments, findExperiment } from './registry';
export { miniatureCheckReport, reproductionReport } from './result-reports';
export { figureRows, miniatureRows, type ResultRow, significant, summaryRows } from './result-tables';
export { type ExperimentResult, runExperiment } from './run-experiment';
export {
  REPORT_MAX_POINTS,
  type RunOnPage,
  type RunReportOptions,
  runFacts,
  runReport,
  runSections,
  stateBands,
} from './run-report';
export {
  compareRuns,
  FULL_BELOW,
  type LabelledRun,
  type Pair,
  type RunStory,
  type RunStoryOptions,
  runStory,
  type StoryComparison,
  type Throughput,
  totalOf,
  type VmStory,
} from './run-story';
export { satoriShortLived, satoriStaircase } from './satori-sharing';
export {
  type ScenarioRun,
  type ScenarioRunOptions,
  ScenarioSimulation,
  type ScenarioSummary,
  simulateScenario,
  type WallClock,
} from './scenario-run';
export { type DetectorScoreRow, scoreDetectors, scoreScenario } from './score';
export { sharingIsolationScenario } from './sharing-isolation';
export { formatComparison, formatStory } from './story-text';
export { curveChart, type TraceCurve, type TraceCurveOptions, traceMissRatioCurve } from './trace-curve';
