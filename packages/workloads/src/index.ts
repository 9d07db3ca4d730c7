import { bufferPool } from './generators/buffer-pool';
import { fileServer } from './generators/file-server';
import { growingHeap } from './generators/growing-heap';
import { idle } from './generators/idle';
import { phased } from './generators/phased';
import { sequential } from './generators/sequential';
import { toucher } from './generators/toucher';
import { uniform } from './generators/uniform';
import { zipf } from './generators/zipf';
import { trace } from './traces/index';

export * from './content/index';
export { BackgroundTouches } from './generators/background';
export { bufferPool, bufferPoolOptions } from './generators/buffer-pool';
export { Coin } from './generators/coin';
export { COMPUTE_SLICE, finish, writeCompute } from './generators/compute';
export { fileServer, fileServerOptions } from './generators/file-server';
export { growingHeap, growingHeapOptions } from './generators/growing-heap';
export { idle, idleOptions } from './generators/idle';
export { type Limits, withLimits } from './generators/limits';
export { OpQueue } from './generators/op-queue';
export {
  contentOption,
  limitOptions,
  offsetOption,
  writeFractionOption,
  zipfExponentOption,
} from './generators/options';
export { phased, phasedOptions } from './generators/phased';
export { sequential, sequentialOptions } from './generators/sequential';
export { FIGURE_6_SCHEDULE, toucher, toucherOptions } from './generators/toucher';
export { uniform, uniformOptions } from './generators/uniform';
export { UniformIndex } from './generators/uniform-index';
export { zipf, zipfOptions } from './generators/zipf';
export {
  randomPermutation,
  ZIPF_TABLE_MAX_RANKS,
  ZipfAliasTable,
  ZipfRejectionInversion,
  ZipfSampler,
  zipfPmf,
} from './generators/zipf-sampler';

export { SpatialSample } from './spatial-sample';
export * from './traces/index';

/** Every synthetic generator this package defines. */
export const generatorDefinitions = [
  uniform,
  zipf,
  sequential,
  phased,
  toucher,
  idle,
  fileServer,
  bufferPool,
  growingHeap,
] as const;

/** Every workload definition — the generators and trace replay — for the scenario registry. */
export const workloadDefinitions = [...generatorDefinitions, trace] as const;
