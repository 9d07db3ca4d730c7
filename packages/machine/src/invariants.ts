import {
  FRAME_STATE_NAMES,
  FrameState,
  GuestPageUsage,
  type InvariantBreach,
  InvariantViolation,
  type Mpn,
  NONE,
  PAGE_STATE_NAMES,
  PageState,
  type Ppn,
  type VmId,
} from '@hvsim/spec';
import { framesFor } from './compression-cache';
import type { Machine } from './machine';
import { CHANNEL_BITS, Flag, stateFlags, USAGE_BITS } from './vm-memory';

/** The machine's invariants (ARCHITECTURE.md) as the checks below name them. */
export const MACHINE_INVARIANTS = {
  frames: 'frames are conserved',
  partition: 'pages partition exactly',
  flags: 'translation flags follow page state',
  cmm: 'CMM2 page states are valid',
  swap: 'swap slots match swapped pages',
  compression: 'compression cache matches its pages',
  mappers: 'reference counts equal mappers',
  sharing: 'one shared frame per content',
} as const;

type Invariant = keyof typeof MACHINE_INVARIANTS;

/** The violation of an invariant, to throw. */
function broken(invariant: Invariant, breach: Omit<InvariantBreach, 'invariant'>): InvariantViolation {
  return new InvariantViolation({ invariant: MACHINE_INVARIANTS[invariant], ...breach });
}

/** A page that maps (or is being written from) a frame, to name one when a frame breaks an invariant. */
function mapperOf(machine: Machine, mpn: Mpn): { vm: VmId; page: number } | undefined {
  for (const vm of machine.vms()) {
    const m = machine.memoryOf(vm);
    for (let ppn = 0; ppn < m.pages; ppn++) {
      const state = m.state[ppn];
      const loc = m.loc[ppn]!;
      const maps =
        state === PageState.Private || state === PageState.Shared
          ? loc === mpn
          : state === PageState.Swapped && machine.swap.inFlightFrame(loc) === mpn;
      if (maps) return { vm, page: ppn };
    }
  }
  return undefined;
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
  invariant: Invariant,
  what: string,
  names: readonly string[],
  counted: Float64Array,
  kept: Float64Array,
  vm?: VmId,
): void {
  for (let i = 0; i < names.length; i++) {
    if (counted[i] !== kept[i])
      throw broken(invariant, {
        ...(vm === undefined ? {} : { vm }),
        found: `${counted[i]} ${what} ${names[i]} counted, ${kept[i]} kept`,
      });
  }
}

/**
 * Recomputes every memory invariant (ARCHITECTURE.md) from the raw arrays and compares it with the model's
 * own bookkeeping: frame conservation, the exact partition of each VM's pages, reference count = mappers, one
 * shared frame per content, swap slots = swapped pages, compression frames = what the cache needs. O(frames
 * + pages): for tests and the kernel's debug mode, never the hot path. Throws an InvariantViolation that names
 * the invariant (one of MACHINE_INVARIANTS) and the VM, page or frame that broke it.
 */
export function checkInvariants(machine: Machine): void {
  const frames = machine.frames;
  const total = frames.total;

  // Frame conservation: the state array, the kept counts and the free stack agree.
  const counted = new Float64Array(FRAME_STATE_NAMES.length);
  for (let mpn = 0; mpn < total; mpn++) counted[frames.state[mpn]!]!++;
  checkCounts('frames', 'frames', FRAME_STATE_NAMES, counted, frames.counts);
  if (counted.reduce((a, b) => a + b, 0) !== total)
    throw broken('frames', {
      found: 'frame states do not sum to the total',
    });
  if (frames.free !== counted[FrameState.Free])
    throw broken('frames', {
      found: `free stack holds ${frames.free} frames, ${counted[FrameState.Free]} are free`,
    });
  const onStack = new Uint8Array(total);
  for (const mpn of frames.freeFrames()) {
    if (!(frames.state[mpn] === FrameState.Free && onStack[mpn] === 0))
      throw broken('frames', {
        frame: mpn,
        found: `on the free stack ${onStack[mpn] ? 'twice' : `but ${FRAME_STATE_NAMES[frames.state[mpn]!]}`}`,
      });
    onStack[mpn] = 1;
  }
  if (counted[FrameState.Reserved] !== machine.reservedFrames)
    throw broken('frames', {
      found: `${counted[FrameState.Reserved]} reserved frames, ${machine.reservedFrames} set aside`,
    });

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
    /** A breach at one of this VM's pages, named with its state. */
    const at = (ppn: Ppn, found: string) => ({
      vm,
      page: ppn,
      found: `${PAGE_STATE_NAMES[m.state[ppn]!]}, ${found}`,
    });
    for (let ppn = 0; ppn < m.pages; ppn++) {
      const state = m.state[ppn] as PageState;
      const loc = m.loc[ppn]!;
      partition[state]!++;
      const usage = m.usage?.[ppn] ?? GuestPageUsage.Stable;
      const cleanPotentiallyVolatile =
        state === PageState.Private && usage === GuestPageUsage.PotentiallyVolatile;
      const flags = m.flags[ppn]! & ~CHANNEL_BITS;
      const expected = stateFlags(state) | (cleanPotentiallyVolatile ? Flag.WriteProtect : 0);
      if (flags !== expected)
        throw broken('flags', at(ppn, `has translation flags ${flags}, expected ${expected}`));
      if (!validCmmState(state, usage & USAGE_BITS))
        throw broken('cmm', at(ppn, `has CMM2 usage ${usage}: not a valid state`));
      switch (state) {
        case PageState.Private:
        case PageState.Shared: {
          const frameState = state === PageState.Private ? FrameState.Private : FrameState.Shared;
          if (frames.state[loc] !== frameState)
            throw broken(
              'partition',
              at(
                ppn,
                `maps frame ${loc}, which is ${FRAME_STATE_NAMES[frames.state[loc]!] ?? 'not a frame'}`,
              ),
            );
          mappers[loc]!++;
          break;
        }
        case PageState.Swapped: {
          if (!(loc < machine.swap.slots && slotOwners[loc] === 0))
            throw broken(
              'swap',
              at(
                ppn,
                loc < machine.swap.slots
                  ? `holds slot ${loc}, which another page holds`
                  : `holds no slot (${loc})`,
              ),
            );
          slotOwners[loc] = 1;
          swapped++;
          const writing = machine.swap.inFlightFrame(loc);
          if (writing !== NONE) {
            if (frames.state[writing] !== FrameState.InFlight)
              throw broken(
                'swap',
                at(
                  ppn,
                  `is written to swap from frame ${writing}, which is ${FRAME_STATE_NAMES[frames.state[writing]!]}`,
                ),
              );
            mappers[writing]!++;
          }
          break;
        }
        case PageState.Compressed:
          compressedEntries++;
          bytes += machine.compression.bytes[loc]!;
          break;
        default:
          if (loc !== NONE) throw broken('partition', at(ppn, `holds location ${loc}, expected none`));
      }
    }
    checkCounts('partition', 'pages', PAGE_STATE_NAMES, partition, m.partition, vm);
    if (bytes !== m.compressedBytes)
      throw broken('compression', {
        vm,
        found: `compressed bytes ${bytes} counted, ${m.compressedBytes} kept`,
      });
    if (m.compressionFrames.length !== framesFor(bytes))
      throw broken('compression', {
        vm,
        found: `${m.compressionFrames.length} compression frames for ${bytes} bytes, expected ${framesFor(bytes)}`,
      });
    for (const mpn of m.compressionFrames) {
      if (frames.state[mpn] !== FrameState.Compressed)
        throw broken('frames', {
          vm,
          frame: mpn,
          found: `compression frame is ${FRAME_STATE_NAMES[frames.state[mpn]!]}`,
        });
    }
    for (const mpn of m.overheadFrames) {
      if (frames.state[mpn] !== FrameState.Overhead)
        throw broken('frames', {
          vm,
          frame: mpn,
          found: `overhead frame is ${FRAME_STATE_NAMES[frames.state[mpn]!]}`,
        });
    }
    overhead += m.overheadFrames.length;
    compressionFrames += m.compressionFrames.length;
  }
  if (overhead !== counted[FrameState.Overhead])
    throw broken('frames', {
      found: `${counted[FrameState.Overhead]} overhead frames, VMs own ${overhead}`,
    });
  if (compressionFrames !== counted[FrameState.Compressed])
    throw broken('frames', {
      found: `${counted[FrameState.Compressed]} compression frames, VMs own ${compressionFrames}`,
    });
  if (compressedEntries !== machine.compression.used)
    throw broken('compression', {
      found: `${machine.compression.used} cache entries used, ${compressedEntries} pages compressed`,
    });
  if (swapped !== machine.swap.used)
    throw broken('swap', {
      found: `swap slots used ${machine.swap.used}, swapped pages ${swapped}`,
    });

  // Frames: private frames have one mapper, shared ones their reference count, in-flight ones one write.
  const index = machine.sharingIndex();
  /** The frame, and a page that maps it when one does. */
  const frame = (mpn: Mpn, found: string) => ({ ...mapperOf(machine, mpn), frame: mpn, found });
  let shared = 0;
  for (let mpn = 0; mpn < total; mpn++) {
    const state = frames.state[mpn]!;
    if (state === FrameState.Private || state === FrameState.InFlight) {
      if (mappers[mpn] !== 1)
        throw broken(
          'mappers',
          frame(mpn, `${FRAME_STATE_NAMES[state]} frame has ${mappers[mpn]} mappers, expected 1`),
        );
    } else if (state === FrameState.Shared) {
      shared++;
      const refs = frames.refs;
      const count = refs.get(mpn);
      if (count !== mappers[mpn])
        throw broken(
          'mappers',
          frame(mpn, `shared frame has reference count ${count}, ${mappers[mpn]} mappers`),
        );
      if (!(refs.small[mpn]! < refs.limit ? !refs.overflow.has(mpn) : refs.overflow.get(mpn)! >= refs.limit))
        throw broken('mappers', frame(mpn, 'in-frame reference count and overflow table disagree'));
      if (!(count > 0 || mpn === machine.zeroFrame))
        throw broken('mappers', frame(mpn, 'shared frame kept with no mapper'));
      if (index.get(machine.frameDomain(mpn), frames.content[mpn]!) !== mpn)
        throw broken('sharing', frame(mpn, "shared frame missing from its domain's sharing index"));
    } else {
      if (mappers[mpn] !== 0)
        throw broken('mappers', frame(mpn, `${FRAME_STATE_NAMES[state]} frame is mapped`));
    }
  }
  // Each index entry is a distinct shared frame, so no two shared frames of a domain hold the same content.
  if (machine.sharedFrames !== shared)
    throw broken('sharing', {
      found: `sharing index has ${machine.sharedFrames} entries for ${shared} shared frames`,
    });
}
