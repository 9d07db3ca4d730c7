import { sampling } from './sampling';

export { ActivityEstimator } from './estimator';
export { SamplingDetector, type SamplingOptions, sampling, samplingOptions } from './sampling';

/** Every detector this package defines, for registries. */
export const detectorDefinitions = [sampling] as const;
