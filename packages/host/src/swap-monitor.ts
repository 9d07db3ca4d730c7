import { type DemandDetector, overDisk, type VirtualDisk } from '@hvsim/spec';

/**
 * MEB's swap monitoring, the top layer of a VM's disk: the VM's detectors see its guest's own swap I/O as
 * the host sees it on the virtual disk (the block, and the buffer's guest-physical page).
 */
export function swapMonitor(below: VirtualDisk, detectors: () => Iterable<DemandDetector>): VirtualDisk {
  return overDisk(below, {
    swapOut: (ppn, slot) => {
      for (const d of detectors()) d.onGuestSwapOut?.(ppn, slot);
      below.swapOut(ppn, slot);
    },
    swapIn: (ppn, slot) => {
      for (const d of detectors()) d.onGuestSwapIn?.(ppn, slot);
      below.swapIn(ppn, slot);
    },
  });
}
