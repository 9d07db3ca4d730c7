import type { BlockRead } from '../block-read';
import type { ContentId, Ppn, VmId } from '../ids';
import type { MemoryBus } from '../machine';

/**
 * A VM's virtual disk, as its guest's block device and its swap reach it. The host composes it by wrapping,
 * as a hypervisor stacks its I/O path: the plain disk, then the sharing engine's layer (Satori's
 * sharing-aware device, Disco's copy-on-write disk), then MEB's swap monitor. Each layer does its part and
 * passes the request to the one below.
 */
export interface VirtualDisk {
  /**
   * A read request goes out with every page of it allocated (see BlockRead). A layer that holds blocks in
   * memory fills their pages itself by sharing, marks them in `read.shared` and returns how many; the plain
   * disk fills none. The guest then has the disk `transfer` each page not filled.
   */
  request(read: BlockRead): number;
  /** The disk's DMA of a block into page `ppn`: `content` is what block `block` of `image` holds. */
  transfer(ppn: Ppn, image: string, block: number, content: ContentId): void;
  /** The guest wrote page `ppn` to slot `slot` of its swap area on this disk. */
  swapOut(ppn: Ppn, slot: number): void;
  /** The guest is reading slot `slot` of its swap area into page `ppn` (before the page is written). */
  swapIn(ppn: Ppn, slot: number): void;
}

/**
 * The VM's disk itself, the bottom of its I/O path: it fills pages by DMA through the memory bus and holds
 * nothing in memory, so it fills no page of a request by sharing. The guest charges the requests' time.
 */
export function plainDisk(vm: VmId, bus: Pick<MemoryBus, 'deviceWrite'>): VirtualDisk {
  return {
    request: () => 0,
    transfer: (ppn, _image, _block, content) => bus.deviceWrite(vm, ppn, content),
    swapOut: () => {},
    swapIn: () => {},
  };
}

/**
 * A layer over `below` that does its own part where `own` has one, and passes the rest down unchanged (bound
 * once here, so a passed-down call costs no wrapper of its own).
 */
export function overDisk(below: VirtualDisk, own: Partial<VirtualDisk>): VirtualDisk {
  return {
    request: own.request ?? below.request.bind(below),
    transfer: own.transfer ?? below.transfer.bind(below),
    swapOut: own.swapOut ?? below.swapOut.bind(below),
    swapIn: own.swapIn ?? below.swapIn.bind(below),
  };
}
