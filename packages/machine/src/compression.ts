import { FrameState, type Mpn, PAGE_SIZE, PageState, type Ppn, type SwapSlot, type VmId } from '@hvsim/spec';
import { detachFrame, lastMapper, releaseCompressed } from './backing';
import { checkPpn, checkResident, checkStable, RESIDENT, wholeNumber } from './checks';
import { framesFor } from './compression-cache';
import { InvalidTransitionError, OutOfSwapError } from './errors';
import { allocate, changed } from './frame-allocation';
import type { MachineState } from './machine-state';
import type { VmMemory } from './vm-memory';

// Compression: a page moves into its VM's compression cache, which takes and gives back whole frames as it
// grows and shrinks, and out again on an access or a decompression (or on to host swap).

export function compress(s: MachineState, vm: VmId, ppn: Ppn, compressedBytes: number): void {
  const m = s.vm(vm);
  checkResident('compress', m, checkPpn(m, ppn));
  checkStable('compress', m, ppn);
  wholeNumber('compressedBytes', compressedBytes, 1, PAGE_SIZE);
  // The cache may need one more frame. A page that frees its own frame hands it to the cache; otherwise a
  // frame is allocated first, and the page checked again (the frame reclaimer may have moved it).
  let spare: Mpn | -1 = -1;
  if (cacheGrows(m, compressedBytes) && !freesFrame(s, m, ppn)) {
    spare = allocate(s, FrameState.Compressed, 0, 'the compression cache');
    const state = m.state[ppn] as PageState;
    if (state !== PageState.Private && state !== PageState.Shared) {
      s.frames.release(spare);
      throw new InvalidTransitionError('compress', vm, ppn, state, RESIDENT);
    }
  }
  const content = s.frames.content[m.loc[ppn]!]!;
  const freed = detachFrame(s, m, ppn);
  const forCache = cacheGrows(m, compressedBytes) ? (spare !== -1 ? spare : freed) : -1;
  for (const mpn of [spare, freed]) {
    if (mpn === -1) continue;
    if (mpn !== forCache) s.frames.release(mpn);
    else {
      s.frames.relabel(mpn, FrameState.Compressed);
      s.frames.content[mpn] = 0;
      m.compressionFrames.push(mpn);
    }
  }
  m.compressedBytes += compressedBytes;
  m.setState(ppn, PageState.Compressed, s.compression.allocate(content, compressedBytes));
  m.counters.compressions++;
  m.counters.time += s.costs.compress;
}

export function rejectCompression(s: MachineState, vm: VmId, ppn: Ppn): void {
  const m = s.vm(vm);
  checkResident('rejectCompression', m, checkPpn(m, ppn));
  m.counters.compressionRejects++;
  m.counters.time += s.costs.compress;
}

export function swapOutCompressed(s: MachineState, vm: VmId, ppn: Ppn): SwapSlot {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state !== PageState.Compressed) {
    throw new InvalidTransitionError('swapOutCompressed', vm, ppn, state, 'compressed');
  }
  const entry = m.loc[ppn]!;
  const slot = s.swap.allocate(s.compression.content[entry]!);
  if (slot === -1) throw new OutOfSwapError(s.swap.slots);
  // The page is not decompressed into a frame to be written, so its cache bytes go at once and no frame waits.
  releaseCompressed(s, m, entry);
  m.setState(ppn, PageState.Swapped, slot);
  m.counters.swapOuts++;
  return slot;
}

export function decompress(s: MachineState, vm: VmId, ppn: Ppn): Mpn {
  const m = s.vm(vm);
  const state = m.state[checkPpn(m, ppn)] as PageState;
  if (state !== PageState.Compressed) {
    throw new InvalidTransitionError('decompress', vm, ppn, state, 'compressed');
  }
  while (m.state[ppn] === PageState.Compressed) decompressPage(s, m, ppn);
  checkResident('decompress', m, ppn);
  return m.loc[ppn]!;
}

/** Brings a compressed page back into a private frame, unless the frame reclaimer moves it meanwhile. */
export function decompressPage(s: MachineState, m: VmMemory, ppn: Ppn): void {
  const entry = m.loc[ppn]!;
  const mpn = allocate(s, FrameState.Private, s.compression.content[entry]!, 'a decompression');
  if (changed(s, m, ppn, PageState.Compressed, entry, mpn)) return;
  releaseCompressed(s, m, entry);
  m.setState(ppn, PageState.Private, mpn);
  m.counters.decompressions++;
  m.counters.time += s.costs.decompress;
}

/** Whether `bytes` more need one more frame in the VM's compression cache. */
function cacheGrows(m: VmMemory, bytes: number): boolean {
  return framesFor(m.compressedBytes + bytes) > m.compressionFrames.length;
}

/** Whether unmapping this resident page frees its frame. */
function freesFrame(s: MachineState, m: VmMemory, ppn: Ppn): boolean {
  return m.state[ppn] === PageState.Private || lastMapper(s, m.loc[ppn]!);
}
