import { type ContentId, type Mpn, PageState, type Ppn } from '@hvsim/spec';
import { framesFor } from './compression-cache';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// What holds a page's contents (a frame, a swap slot or a compression cache entry): reading it, and letting
// it go.

export function peek(s: MachineState, m: VmMemory, ppn: Ppn): ContentId | undefined {
  const loc = m.loc[ppn]!;
  switch (m.state[ppn]) {
    case PageState.Private:
    case PageState.Shared:
      return s.frames.content[loc]!;
    case PageState.Swapped:
      return s.swap.content[loc]!;
    case PageState.Compressed:
      return s.compression.content[loc]!;
    case PageState.Discarded:
      return undefined;
    default:
      return 0;
  }
}

/** True when the shared frame's only mapper is the page about to leave it (and it is not the zero page). */
export function lastMapper(s: MachineState, mpn: Mpn): boolean {
  return mpn !== s.zeroFrame && s.frames.refs.get(mpn) === 1;
}

/**
 * Unmaps a resident page's frame; returns the frame when nothing maps it any more (the caller frees or
 * re-labels it), else -1. The page's state is the caller's to set.
 */
export function detachFrame(s: MachineState, m: VmMemory, ppn: Ppn): Mpn | -1 {
  const mpn = m.loc[ppn]!;
  if (m.state[ppn] === PageState.Private) return mpn;
  if (s.frames.refs.decrement(mpn) > 0 || mpn === s.zeroFrame) return -1;
  s.sharedIndex.delete(s.frameDomain[mpn]!, s.frames.content[mpn]!);
  return mpn;
}

/** Frees whatever holds the page's contents (frame, swap slot, cache entry). */
export function releaseBacking(s: MachineState, m: VmMemory, ppn: Ppn): void {
  switch (m.state[ppn]) {
    case PageState.Private:
    case PageState.Shared: {
      const freed = detachFrame(s, m, ppn);
      if (freed !== -1) s.frames.release(freed);
      break;
    }
    case PageState.Swapped: {
      const inFlight = s.swap.release(m.loc[ppn]!);
      if (inFlight !== -1) s.frames.release(inFlight);
      break;
    }
    case PageState.Compressed:
      releaseCompressed(s, m, m.loc[ppn]!);
      break;
  }
}

/** Frees a compression cache entry, and the cache frames its VM no longer needs. */
export function releaseCompressed(s: MachineState, m: VmMemory, entry: number): void {
  m.compressedBytes -= s.compression.bytes[entry]!;
  s.compression.release(entry);
  while (m.compressionFrames.length > framesFor(m.compressedBytes)) {
    s.frames.release(m.compressionFrames.pop()!);
  }
}
