import { GuestPageUsage, PageState, type Ppn } from '@hvsim/spec';
import { badTarget } from './bad-target';
import { FreeStack } from './free-stack';
import type { KernelParts } from './kernel-parts';
import { LruList } from './lru';
import type { PageAllocator } from './page-alloc';
import { PageUse } from './page-use';

// Page-table entries: 0 for a virtual page never touched (or freed), which reads as zero; ppn + 1 for a
// resident page; -(slot + 1) for a page in guest swap. Zero meaning "nothing" keeps the arrays untouched —
// and so out of the process's resident memory — until used.
const UNMAPPED = 0;

/** What anonymous memory needs of the rest of the kernel. */
export interface AnonServices
  extends Pick<
    KernelParts,
    'settings' | 'frames' | 'accesses' | 'requests' | 'hints' | 'counters' | 'disk' | 'bus' | 'machine' | 'vm'
  > {
  readonly allocator: PageAllocator;
}

/**
 * Anonymous memory behind the guest's page table (Linux's mm/memory.c), demand-allocated on first touch, and
 * the guest's own swap area on its virtual disk (mm/swapfile.c), to which reclaim pages it out.
 */
export class AnonMemory {
  readonly pageTable: Int32Array;
  /** What each guest swap slot holds, and the free slots. */
  readonly swapContent: Float64Array;
  readonly swapFree: FreeStack;
  readonly #mm: AnonServices;

  constructor(mm: AnonServices) {
    const settings = mm.settings;
    this.pageTable = new Int32Array(settings.addressSpacePages);
    this.swapContent = new Float64Array(settings.swapPages);
    this.swapFree = new FreeStack(settings.swapPages);
    this.swapFree.pushRange(0, settings.swapPages);
    this.#mm = mm;
  }

  /** The page behind a virtual page: demand-allocated on first touch, or brought back from guest swap. */
  page(vpn: number): Ppn {
    const mm = this.#mm;
    const entry = this.pageTable[vpn] ?? badTarget('virtual page', this.pageTable.length, vpn);
    if (entry > 0) return entry - 1;
    const ppn = mm.allocator.allocate(PageUse.Anon, entry < 0);
    mm.frames.owner[ppn] = vpn;
    if (entry < 0) {
      const slot = -entry - 1;
      mm.counters.guestSwapIns++;
      mm.requests.read(1, 1);
      mm.disk.swapIn(ppn, slot);
      mm.bus.deviceWrite(mm.vm, ppn, this.swapContent[slot]!);
      mm.hints.hint(ppn, GuestPageUsage.Stable);
      this.swapFree.push(slot);
    }
    this.pageTable[vpn] = ppn + 1;
    mm.frames.lru.pushHead(LruList.Active, ppn);
    return ppn;
  }

  /** Frees a virtual page (munmap): its page or swap slot goes back, and it reads as zero again. */
  free(vpn: number): void {
    const mm = this.#mm;
    mm.accesses.flush();
    const entry = this.pageTable[vpn] ?? badTarget('virtual page', this.pageTable.length, vpn);
    if (entry > 0) mm.allocator.release(entry - 1, false);
    else if (entry < 0) this.swapFree.push(-entry - 1);
    this.pageTable[vpn] = UNMAPPED;
  }

  /** Pages an anonymous page out to a free guest swap slot; false when none is left. */
  swapOut(ppn: Ppn): boolean {
    const mm = this.#mm;
    const vm = mm.vm;
    const slot = this.swapFree.pop();
    if (slot === -1) return false;
    // Double paging: the guest pages out a page the host had already swapped, so it is read back first.
    if (mm.machine.pageState(vm, ppn) === PageState.Swapped) mm.counters.doublePagings++;
    this.swapContent[slot] = mm.bus.deviceRead(vm, ppn);
    mm.counters.guestSwapOuts++;
    mm.requests.write(1, 1);
    mm.disk.swapOut(ppn, slot);
    this.pageTable[mm.frames.owner[ppn]!] = -(slot + 1);
    mm.allocator.release(ppn, false);
    return true;
  }
}
