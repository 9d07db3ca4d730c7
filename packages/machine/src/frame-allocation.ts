import type { ContentId, FrameState, Mpn, PageState, Ppn } from '@hvsim/spec';
import { OutOfFramesError } from './errors';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// Frame allocation, and the frame reclaimer it calls on a shortage (ARCHITECTURE.md, "Faults and the frame
// reclaimer").

export function allocate(s: MachineState, state: FrameState, content: ContentId, purpose: string): Mpn {
  let mpn = s.frames.allocate(state, content);
  if (mpn === -1 && s.reclaim) {
    // Its own operations may need a frame (a compression cache's) and call it again, nested.
    const outer = s.reclaiming;
    s.reclaiming = true;
    try {
      s.reclaim();
    } finally {
      s.reclaiming = outer;
    }
    mpn = s.frames.allocate(state, content);
  }
  if (mpn === -1) throw new OutOfFramesError(purpose);
  return mpn;
}

/**
 * After an allocation: whether the frame reclaimer moved the page away from (state, loc) meanwhile. If so
 * the new frame is released, and the caller dispatches on the page's new state.
 */
export function changed(
  s: MachineState,
  m: VmMemory,
  ppn: Ppn,
  state: PageState,
  loc: number,
  allocated: Mpn,
): boolean {
  if (m.state[ppn] === state && m.loc[ppn] === loc) return false;
  s.frames.release(allocated);
  return true;
}
