import { GuestPageUsage, type SimTime } from '@hvsim/spec';
import type { KernelParts } from './kernel-parts';
import type { PageAllocator } from './page-alloc';
import { PageUse } from './page-use';

/** What boot needs of the kernel it starts. */
export interface BootServices
  extends Pick<KernelParts, 'settings' | 'frames' | 'hints' | 'bus' | 'machine' | 'vm'> {
  readonly allocator: PageAllocator;
}

/**
 * Boots the guest on its `pages` pages: loads the kernel from the image's first blocks, zeroes the rest of
 * memory if the kind does, and frees it. Returns the VM time at which the guest has booted.
 */
export function boot(mm: BootServices, pages: number): SimTime {
  const { settings, frames, allocator, hints, bus, vm } = mm;
  const { kernelPages, habits, diskContent } = settings;
  allocator.zeroed.pushRange(kernelPages, pages);
  for (let ppn = 0; ppn < kernelPages; ppn++) {
    frames.use[ppn] = PageUse.Kernel;
    bus.deviceWrite(vm, ppn, diskContent(ppn));
  }
  if (habits.zeroAtBoot) for (let ppn = kernelPages; ppn < pages; ppn++) bus.write(vm, ppn, 0);
  for (let ppn = kernelPages; ppn < pages; ppn++) hints.hint(ppn, GuestPageUsage.Unused);
  return mm.machine.vmTime(vm) + settings.bootTime;
}
