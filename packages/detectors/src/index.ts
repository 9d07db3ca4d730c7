import { accessBits } from './access-bits';
import { damon } from './damon';
import { lruStatistics } from './lru-statistics';
import { oracle } from './oracle';
import { sampling } from './sampling';

export { AccessBitScanner, accessBits, accessBitsOptions } from './access-bits';
export { DamonMonitor, type DamonOptions, damon, damonOptions } from './damon';
export { ActivityEstimator } from './estimator';
export { IdleTracker } from './idle-tracker';
export {
  LruStatistics,
  type LruStatisticsOptions,
  lruStatistics,
  lruStatisticsOptions,
} from './lru-statistics';
export * from './mrc/index';
export { oracle, oracleOptions } from './oracle';
export { SamplingDetector, type SamplingOptions, sampling, samplingOptions } from './sampling';
export { type EstimateScore, type ScoreOptions, scoreEstimate } from './scoring';

/** Every detector this package defines, for registries. */
export const detectorDefinitions = [sampling, lruStatistics, accessBits, damon, oracle] as const;
