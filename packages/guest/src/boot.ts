import { GuestPageUsage, type Ppn, type SimTime } from '@hvsim/spec';
import type { KernelParts } from './kernel-parts';
import type { PageAllocator } from './page-alloc';
import { PageUse } from './page-use';

/** What boot needs of the kernel it starts. */
export interface BootServices
  extends Pick<KernelParts, 'settings' | 'frames' | 'hints' | 'bus' | 'machine' | 'vm' | 'accesses'> {
  readonly allocator: PageAllocator;
}

/** When the guest has booted, and the zeroing it has still to do by then, if it spreads it over its boot. */
export interface Booting {
  readonly bootedAt: SimTime;
  readonly zeroing: BootZeroing | undefined;
}

/**
 * Boots the guest on its `pages` pages: loads the kernel from the image's first blocks, zeroes the rest of
 * memory if the kind does (at once, or over the end of boot: see `BootZeroing`), and frees it.
 */
export function boot(mm: BootServices, pages: number): Booting {
  const { settings, frames, allocator, hints, bus, vm } = mm;
  const { kernelPages, habits, diskContent } = settings;
  allocator.zeroed.pushRange(kernelPages, pages);
  for (let ppn = 0; ppn < kernelPages; ppn++) {
    frames.use[ppn] = PageUse.Kernel;
    bus.deviceWrite(vm, ppn, diskContent(ppn));
  }
  const bootedAt = mm.machine.vmTime(vm) + settings.bootTime;
  const spread = habits.zeroAtBoot && habits.bootZeroing > 0;
  if (habits.zeroAtBoot && !spread) for (let ppn = kernelPages; ppn < pages; ppn++) bus.write(vm, ppn, 0);
  for (let ppn = kernelPages; ppn < pages; ppn++) hints.hint(ppn, GuestPageUsage.Unused);
  const zeroing = spread
    ? new BootZeroing(mm, kernelPages, pages, bootedAt - habits.bootZeroing, bootedAt)
    : undefined;
  return { bootedAt, zeroing };
}

/**
 * Zeroing spread over the end of boot, as Windows clears its memory while it boots: the pages past the
 * kernel, in order, at a steady pace from `start` to `end` of the VM's time, so that memory fills over
 * that stretch rather than at power-on, and the balloon driver (which starts at `end`) finds it all zeroed.
 * A page already taken from the free list meanwhile is the taker's, and is left alone.
 */
export class BootZeroing {
  #next: Ppn;

  constructor(
    private readonly mm: BootServices,
    private readonly from: Ppn,
    private readonly to: Ppn,
    private readonly start: SimTime,
    private readonly end: SimTime,
  ) {
    this.#next = from;
  }

  /** Zeroes the pages due by VM time `now`; true once every page is done. */
  zeroDue(now: SimTime): boolean {
    const { from, to, start, end } = this;
    const due = now >= end ? to : from + Math.floor(((to - from) * Math.max(0, now - start)) / (end - start));
    if (due <= this.#next) return false;
    const { frames, accesses, bus, vm } = this.mm;
    accesses.flush();
    for (; this.#next < due; this.#next++) {
      if (frames.use[this.#next] === PageUse.Free) bus.write(vm, this.#next, 0);
    }
    return this.#next >= to;
  }
}
