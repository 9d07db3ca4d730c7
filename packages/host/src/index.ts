export { emergencyPager } from './emergency-pager';
export {
  createHost,
  Host,
  type HostConfig,
  type RunStats,
  type Use,
  type VmConfig,
} from './host';
export { MetricsRecorder } from './metrics-recorder';
export { type PeriodicTask, Scheduler } from './scheduler';
export { VmRunner } from './vm-runner';
