export { type AdmissionConfig, admissionLimits, admissionPlan, type PowerStep } from './admission-plan';
export { emergencyPager } from './emergency-pager';
export { createHost, Host } from './host';
export type { HostConfig, RunStats, VmConfig } from './host-config';
export { MetricsRecorder } from './metrics-recorder';
export {
  DEFAULT_PERIODS,
  type HostPeriods,
  type HostPolicies,
  nullAllocation,
  nullReclamation,
} from './policies';
export { type PeriodicTask, Scheduler } from './scheduler';
export type { Use } from './use';
export { VmRunner } from './vm-runner';
