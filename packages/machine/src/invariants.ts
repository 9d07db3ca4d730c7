import {
  FRAME_STATE_NAMES,
  FrameState,
  GuestPageUsage,
  InvariantViolation,
  NONE,
  PAGE_STATE_NAMES,
  PageState,
} from '@hvsim/spec';
import { framesFor } from './compression-cache';
import type { Machine } from './machine';
import { CHANNEL_BITS, Flag, stateFlags, USAGE_BITS } from './vm-memory';

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new InvariantViolation(message());
}

/**
 * The 8 valid CMM2 combinations (Sr, Sp, Sz, Ur, Uz, Vr, Vz, Pr), with this machine's states as the host
 * content states: resident = private or shared, preserved = swapped or compressed, zero = unbacked,
 * ballooned or discarded (discarded is Vz, and only Vz).
 */
function validCmmState(state: PageState, usage: number): boolean {
  const resident = state === PageState.Private || state === PageState.Shared;
  switch (usage) {
    case GuestPageUsage.Stable:
      return state !== PageState.Discarded;
    case GuestPageUsage.Unused:
      return resident || state === PageState.Unbacked || state === PageState.Ballooned;
    case GuestPageUsage.Volatile:
      return resident || state === PageState.Discarded;
    default:
      return resident;
  }
}

/** Counts recomputed from the arrays equal the counts the model keeps, state by state. */
function checkCounts(
  what: string,
  names: readonly string[],
  counted: Float64Array,
  kept: Float64Array,
): void {
  for (let i = 0; i < names.length; i++) {
    check(counted[i] === kept[i], () => `${what} ${names[i]}: ${counted[i]} counted, ${kept[i]} kept`);
  }
}

/**
 * Recomputes every memory invariant of DESIGN.md from the raw arrays and compares it with the model's own
 * bookkeeping: frame conservation, the exact partition of each VM's pages, reference count = mappers, one
 * shared frame per content, swap slots = swapped pages, compression frames = what the cache needs. O(frames
 * + pages): for tests and the kernel's debug mode, never the hot path. Throws InvariantViolation.
 */
export function checkInvariants(machine: Machine): void {
  const frames = machine.frames;
  const total = frames.total;

  // Frame conservation: the state array, the kept counts and the free stack agree.
  const counted = new Float64Array(FRAME_STATE_NAMES.length);
  for (let mpn = 0; mpn < total; mpn++) counted[frames.state[mpn]!]!++;
  checkCounts('frames', FRAME_STATE_NAMES, counted, frames.counts);
  check(counted.reduce((a, b) => a + b, 0) === total, () => 'frame states do not sum to the total');
  check(frames.freeTop === counted[FrameState.Free], () => 'free stack size differs from free frames');
  const onStack = new Uint8Array(total);
  for (let i = 0; i < frames.freeTop; i++) {
    const mpn = frames.freeStack[i]!;
    check(
      frames.state[mpn] === FrameState.Free && onStack[mpn] === 0,
      () => `frame ${mpn} misplaced on free stack`,
    );
    onStack[mpn] = 1;
  }
  check(counted[FrameState.Reserved] === machine.reservedFrames, () => 'reserved frames changed');

  // Pages: partition, flags, and who maps which frame.
  const mappers = new Uint32Array(total);
  const slotOwners = new Uint8Array(machine.swap.slots);
  let swapped = 0;
  let compressedEntries = 0;
  let overhead = 0;
  let compressionFrames = 0;
  for (const vm of machine.vms()) {
    const m = machine.memoryOf(vm);
    const partition = new Float64Array(PAGE_STATE_NAMES.length);
    let bytes = 0;
    for (let ppn = 0; ppn < m.pages; ppn++) {
      const state = m.state[ppn] as PageState;
      const loc = m.loc[ppn]!;
      partition[state]!++;
      const where = () => `vm ${vm} page ${ppn} (${PAGE_STATE_NAMES[state]})`;
      const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
      const cleanPotentiallyVolatile =
        state === PageState.Private && usage === GuestPageUsage.PotentiallyVolatile;
      check(
        (m.flags[ppn]! & ~CHANNEL_BITS) ===
          (stateFlags(state) | (cleanPotentiallyVolatile ? Flag.WriteProtect : 0)),
        () => `${where()} has wrong translation flags`,
      );
      check(
        validCmmState(state, usage & USAGE_BITS),
        () => `${where()} has CMM2 usage ${usage}: not a valid state`,
      );
      switch (state) {
        case PageState.Private:
          check(frames.state[loc] === FrameState.Private, () => `${where()} maps a non-private frame`);
          mappers[loc]!++;
          break;
        case PageState.Shared:
          check(frames.state[loc] === FrameState.Shared, () => `${where()} maps a non-shared frame`);
          mappers[loc]!++;
          break;
        case PageState.Swapped:
          check(
            loc < machine.swap.slots && slotOwners[loc] === 0,
            () => `${where()} has a bad or reused slot`,
          );
          slotOwners[loc] = 1;
          swapped++;
          if (machine.swap.inFlightFrame[loc] !== NONE) {
            check(
              frames.state[machine.swap.inFlightFrame[loc]!] === FrameState.InFlight,
              () => `${where()} write frame not in flight`,
            );
            mappers[machine.swap.inFlightFrame[loc]!]!++;
          }
          break;
        case PageState.Compressed:
          compressedEntries++;
          bytes += machine.compression.bytes[loc]!;
          break;
        default:
          check(loc === NONE, () => `${where()} holds a location`);
      }
    }
    checkCounts(`vm ${vm} pages`, PAGE_STATE_NAMES, partition, m.partition);
    check(
      bytes === m.compressedBytes,
      () => `vm ${vm}: compressed bytes ${bytes} counted, ${m.compressedBytes} kept`,
    );
    check(
      m.compressionFrames.length === framesFor(bytes),
      () => `vm ${vm}: compression frames do not fit its bytes`,
    );
    for (const mpn of m.compressionFrames) {
      check(
        frames.state[mpn] === FrameState.Compressed,
        () => `vm ${vm}: compression frame ${mpn} mislabelled`,
      );
    }
    for (const mpn of m.overheadFrames) {
      check(frames.state[mpn] === FrameState.Overhead, () => `vm ${vm}: overhead frame ${mpn} mislabelled`);
    }
    overhead += m.overheadFrames.length;
    compressionFrames += m.compressionFrames.length;
  }
  check(overhead === counted[FrameState.Overhead], () => 'overhead frames not all owned by a VM');
  check(
    compressionFrames === counted[FrameState.Compressed],
    () => 'compression frames not all owned by a VM',
  );
  check(compressedEntries === machine.compression.used, () => 'compression entries leaked');
  check(
    swapped === machine.swap.used,
    () => `swap slots used ${machine.swap.used}, swapped pages ${swapped}`,
  );

  // Frames: private frames have one mapper, shared ones their reference count, in-flight ones one write.
  const index = machine.sharingIndex();
  let shared = 0;
  for (let mpn = 0; mpn < total; mpn++) {
    const state = frames.state[mpn];
    if (state === FrameState.Private || state === FrameState.InFlight) {
      check(
        mappers[mpn] === 1,
        () => `frame ${mpn} (${FRAME_STATE_NAMES[state]}) has ${mappers[mpn]} mappers`,
      );
    } else if (state === FrameState.Shared) {
      shared++;
      const refs = frames.refs;
      const count = refs.get(mpn);
      check(count === mappers[mpn], () => `shared frame ${mpn}: refcount ${count}, mappers ${mappers[mpn]}`);
      check(
        refs.small[mpn]! < refs.limit ? !refs.overflow.has(mpn) : refs.overflow.get(mpn)! >= refs.limit,
        () => `shared frame ${mpn}: in-frame count and overflow table disagree`,
      );
      check(count > 0 || mpn === machine.zeroFrame, () => `shared frame ${mpn} kept with no mapper`);
      check(
        index.get(machine.frameDomain(mpn), frames.content[mpn]!) === mpn,
        () => `shared frame ${mpn} missing from its domain's sharing index`,
      );
    } else {
      check(mappers[mpn] === 0, () => `frame ${mpn} (${FRAME_STATE_NAMES[state!]}) is mapped`);
    }
  }
  // Each index entry is a distinct shared frame, so no two shared frames of a domain hold the same content.
  check(
    machine.sharedFrames === shared,
    () => `sharing index has ${machine.sharedFrames} entries for ${shared} shared frames`,
  );
}
