import type { GuestCounters, MachineView, MemoryBus, PageCopier, VirtualDisk, VmId } from '@hvsim/spec';
import type { AccessQueue } from './access-queue';
import type { DiskRequests } from './disk-requests';
import type { GuestSettings } from './guest-settings';
import type { PageHints } from './page-hints';
import type { PageFrames } from './page-use';

/**
 * What the guest kernel's parts (its allocator, reclaim, anonymous memory, page cache, …) share: the VM's
 * devices, the kernel's settings and counters, its bookkeeping per page, and the small parts every other
 * uses. Each part takes the few of these it needs, and the other parts it calls, never the kernel itself;
 * `GuestKernel` builds them all.
 */
export interface KernelParts {
  readonly settings: GuestSettings;
  readonly vm: VmId;
  readonly bus: MemoryBus;
  readonly machine: MachineView;
  readonly disk: VirtualDisk;
  /** A sharing engine's copy routine for read(2), when it has one (Disco). */
  readonly copier: PageCopier | undefined;
  readonly counters: GuestCounters;
  readonly frames: PageFrames;
  readonly hints: PageHints;
  readonly accesses: AccessQueue;
  readonly requests: DiskRequests;
}
