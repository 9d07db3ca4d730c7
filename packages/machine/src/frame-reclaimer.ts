import type { MachineView, RemapApi } from '@hvsim/spec';

/**
 * What frees frames when a machine operation needs one and none is free: the hypervisor's last resort (the
 * host's emergency pager), so a host never deadlocks. The machine calls it synchronously, in the middle of
 * the operation that needs the frame, and allocates again when it returns; if still none is free, the
 * operation fails with OutOfFramesError.
 *
 * Its re-entrancy rule (ARCHITECTURE.md, "Faults and the frame reclaimer"):
 * - It acts on the machine through its remap operations only (evict, swapOut, compress, share,
 *   flushSwapWrites, …) and reads it through its view. It makes no guest access — read, write, accessBatch,
 *   deviceRead or deviceWrite throw ReclaimerAccessError while it runs — and runs no guest code.
 * - It may move any page, the one whose access needs the frame included: the machine looks at that page
 *   again when it returns and resolves it from its new state.
 * - Its own operations may need a frame (a compression cache's): the machine then calls it again, nested.
 */
export interface FrameReclaimer {
  /** Frees at least one frame if it can. */
  reclaimFrames(machine: ReclaimerMachine): void;
}

/** What a reclaimer may use of the machine: its view, its remap operations, and waiting for page-outs. */
export interface ReclaimerMachine extends MachineView, RemapApi {
  /** Waits for every page-out write in flight, freeing their frames. */
  flushSwapWrites(): void;
}
