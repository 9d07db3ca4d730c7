import type { Ppn, SimTime, VmId } from '@hvsim/spec';
import type { PageUse } from './page-use';

/**
 * What the guest's drivers (the balloon driver, z/VM's cmm module and the pages they pin) need of the kernel
 * they run in: its clock, its page allocator and a way to charge for their own work. They take this, not
 * the kernel, so they depend on the kernel's services rather than on its internals.
 */
export interface KernelServices {
  readonly vm: VmId;
  /** Whether the guest has booted: drivers start after boot. */
  readonly booted: boolean;
  /** VM time, by which the drivers pace themselves. */
  vmTime(): SimTime;
  /** Takes a free page for `use`, reclaiming one first when none is free (see PageAllocator.allocate). */
  allocate(use: PageUse): Ppn;
  /** Returns a page to the free lists (`zeroed`: it is known to hold zeros). */
  release(ppn: Ppn, zeroed: boolean): void;
  /** Charges the VM for the drivers' own work (a hypercall). */
  charge(ns: SimTime): void;
}
