export type { MissRatioCurveBuilder } from './builder';
export { DistanceCounts } from './distance-counts';
export { ExactMrc, exactMissRatioCurve } from './exact';
export { StackDistanceHistogram } from './histogram';
export { idHash } from './id-hash';
export {
  Shards,
  type ShardsFixedRateOptions,
  type ShardsFixedSizeOptions,
  type ShardsOptions,
} from './shards';
export { StackDistances, type StackDistancesOptions } from './stack-distances';
