import type { ContentStore, Machine } from '@hvsim/machine';
import {
  type CreateContext,
  type EventSink,
  plainDisk,
  type RandomStream,
  type SharingEngine,
  type SimTime,
  sharesCopies,
  sharesDiskReads,
  type Workload,
} from '@hvsim/spec';
import type { SharedTraps } from './shared-traps';
import { swapMonitor } from './swap-monitor';
import { VmRunner } from './vm-runner';
import { detectorsOf, type VmSlot } from './vm-slot';

/** What powering a VM on takes from the host. */
export interface HostParts {
  readonly machine: Machine;
  readonly contents: ContentStore;
  readonly sharing: SharingEngine | undefined;
  readonly traps: SharedTraps;
  readonly sink: EventSink;
  readonly scale: number;
  readonly baseDir: string | undefined;
  /** A factory's context: a stream split off `random`, the event log, the scale. */
  context(random: RandomStream, stream: string): CreateContext;
}

/**
 * Powers the slot's VM on at `now`: adds it to the machine, composes its disk, makes its guest, workload,
 * detector and observers from its random stream, and fills the slot.
 */
export function powerOn(host: HostParts, slot: VmSlot, random: RandomStream, now: SimTime): void {
  const { machine, sharing } = host;
  const config = slot.config;
  const vm = machine.addVm({
    name: config.name,
    pages: config.pages,
    overheadFrames: config.overheadPages ?? 0,
  });
  const stream = random.split(`vm:${config.name}`);
  // The VM's disk, bottom up: the disk itself, the sharing engine's layer (Disco, Satori), and the swap
  // monitor, through which detectors that watch the guest's swap I/O (MEB) see it.
  let disk = plainDisk(vm, machine);
  if (sharing && sharesDiskReads(sharing)) disk = sharing.diskLayer(vm, disk);
  disk = swapMonitor(disk, () => detectorsOf(slot));
  // The guest comes first (the workload runs on it), so it asks for the workload's disk locality later.
  let workload: Workload | undefined;
  const guest = config.guest.definition.create(config.guest.options, {
    ...host.context(stream, 'guest'),
    vm,
    pages: config.pages,
    diskLocality: () => workload?.diskBlocks ?? 'together',
    bus: machine,
    machine,
    backdoor: machine,
    disk,
    // Disco's hooked copy routine: copies of whole pages may become copy-on-write mappings.
    ...(sharing && sharesCopies(sharing)
      ? { copier: { copyPage: (dst, src) => sharing.copyPage(vm, dst, src) } }
      : {}),
  });
  workload = config.workload.definition.create(config.workload.options, {
    ...host.context(stream, 'workload'),
    vm,
    vmPages: config.pages,
    contents: host.contents,
    ...(host.baseDir === undefined ? {} : { baseDir: host.baseDir }),
  });
  slot.runner = new VmRunner(vm, config.name, guest, workload, now, machine, machine, host.sink, {
    scale: host.scale,
  });
  if (config.detector) {
    slot.detector = config.detector.definition.create(
      config.detector.options,
      host.context(stream, 'detector'),
    );
    slot.detector.attach({ vm, machine, traps: host.traps.forVm(vm, config.pages) });
  }
  const seen = new Map<string, number>();
  slot.observers = (config.observers ?? []).map((use, i) => {
    const name = use.definition.name;
    const repeat = (seen.get(name) ?? 0) + 1;
    seen.set(name, repeat);
    const detector = use.definition.create(use.options, host.context(stream, `observer:${i}`));
    // Each observer of a kind registers its trap channel under a name of its own.
    const traps = host.traps.forVm(vm, config.pages, `observer:${i}`);
    detector.attach({ vm, machine, traps });
    return { label: `${name}${repeat > 1 ? `#${repeat}` : ''}`, detector };
  });
}

/** Powers the slot's VM off: its detectors detach, and the machine frees all it held. */
export function powerOff(machine: Machine, slot: VmSlot): void {
  for (const detector of detectorsOf(slot)) detector.detach();
  machine.removeVm(slot.runner!.vm);
  slot.off = true;
}
