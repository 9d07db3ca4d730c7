export { CompressionCache, framesFor } from './compression-cache';
export { CONTENT_STORE_BASE, ContentStore } from './content-store';
export { type CostModel, DEFAULT_COSTS, MIN_COSTS, miniatureCosts, resolveCosts } from './costs';
export {
  ContentMismatchError,
  DiscardFaultError,
  DomainMismatchError,
  InvalidTransitionError,
  OutOfFramesError,
  OutOfRangeError,
  OutOfSwapError,
  ReclaimerAccessError,
} from './errors';
export type { FrameReclaimer, ReclaimerMachine } from './frame-reclaimer';
export { FrameTable } from './frame-table';
export { checkInvariants, MACHINE_INVARIANTS } from './invariants';
export { createMachine, Machine } from './machine';
export type { MachineOptions } from './machine-state';
export { RefCounts } from './ref-counts';
export { SwapDevice } from './swap-device';
export type { MemoryFootprint } from './views';
export type { VmOptions } from './vm-lifecycle';
export { MAX_CHANNELS, VmMemory } from './vm-memory';
