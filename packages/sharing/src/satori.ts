import {
  type ContentId,
  defineSharingEngine,
  GuestPageUsage,
  type MachineView,
  PageQueue,
  PageState,
  type Pages,
  type Ppn,
  type ScanResult,
  type SharingAttachment,
  type SharingEngine,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { attached } from './attached';
import { BlockTable } from './block-table';
import { keyPpn, keyVm, pageKey } from './page-key';

export const satoriOptions = z.object({});

/** What the engine keeps of one VM: the pages it shared (for credits) and its repayment FIFO. */
interface VmEntry {
  /** Pages this engine mapped onto a shared frame that may still be there; `listed` marks them. */
  readonly sharers: Ppn[];
  readonly listed: Uint8Array;
  readonly fifo: PageQueue;
}

/**
 * Satori's enlightened page sharing (Miłoś et al., USENIX ATC 2009; cmm-satori-meb §2): a sharing-aware
 * block device keyed by (base image, block). A block the device must read from the disk nominates the page
 * it fills as the block's source; a later read of the block, by any VM, maps the reader's page copy-on-write
 * onto the source's frame at once, with no disk I/O. The handle is the source page, valid while it holds
 * the block's contents: a write that changes the page invalidates it, and a read that finds it stale drops
 * it and goes to the disk (Xen's `S_HANDLE_INVALID`).
 *
 * Frames saved are credited to the VMs that share them: a frame mapped by k pages credits each mapper
 * (k − 1)/k of a page, so credits sum to the frames saved and a VM that shares nothing has none. A VM keeps
 * its credit as volatile page cache: each VM's repayment FIFO lists the pages the device filled, oldest
 * first, and `repay` discards from its head (the guest re-reads on a discard fault), so a VM whose writes
 * cost it credit repays with its own cache, never another VM's memory.
 */
export class SatoriSharing implements SharingEngine {
  readonly contract = 'sharing-engine@1';
  readonly name = 'satori';
  /**
   * (image, block) → its source page's key. The handle needs no room: a block of an image always holds the
   * same contents (a VM's writes go to its own overlay), which each reader states.
   */
  readonly #sources = new BlockTable();
  readonly #vms: (VmEntry | undefined)[] = [];
  #attachment: SharingAttachment | undefined;
  /** `#attachment.machine`, read on every read. */
  #machine: MachineView | undefined;
  /** Reads the device served by sharing, with no disk I/O. */
  sharedReads = 0;
  /** Reads that found the block's handle stale (its page written or gone since) and went to the disk. */
  staleHandles = 0;
  /** Volatile pages discarded to repay credit. */
  repaid = 0;

  attach(attachment: SharingAttachment): void {
    this.#attachment = attachment;
    this.#machine = attachment.machine;
  }

  /** Nothing to scan: pages are shared as they are read. */
  scan(): ScanResult {
    return { scanned: 0, shared: 0 };
  }

  /**
   * A read of `block`: shared with its source page when the handle still holds (no disk I/O); else the
   * reader's page becomes the block's source, with the contents the disk read is about to put there.
   */
  readShared(vm: VmId, ppn: Ppn, image: string, block: number, content: ContentId): boolean {
    const source = this.#sources.get(image, block);
    if (source !== undefined) {
      const sourceVm = keyVm(source);
      const sourcePpn = keyPpn(source);
      if (source !== pageKey(vm, ppn) && this.#live(sourceVm, sourcePpn, content)) {
        this.#attached().remap.fillShared(vm, ppn, sourceVm, sourcePpn);
        this.#list(sourceVm, sourcePpn);
        this.#list(vm, ppn);
        this.#entry(vm).fifo.push(ppn);
        this.sharedReads++;
        return true;
      }
      this.staleHandles++;
    }
    this.#sources.set(image, block, pageKey(vm, ppn));
    this.#entry(vm).fifo.push(ppn);
    return false;
  }

  /**
   * The VM's credit: (k − 1)/k for each of its pages on a frame this engine shared among k pages. Pages that
   * left their frame (written, swapped, freed) drop out of the list as it is summed.
   */
  entitlement(vm: VmId): Pages {
    const entry = this.#vms[vm];
    if (entry === undefined) return 0;
    const { machine } = this.#attached();
    if (!machine.hasVm(vm)) return 0;
    const { sharers, listed } = entry;
    let credit = 0;
    let kept = 0;
    for (const ppn of sharers) {
      const mpn = machine.pageState(vm, ppn) === PageState.Shared ? machine.frameOf(vm, ppn)! : -1;
      if (mpn === -1 || mpn === machine.zeroFrame) {
        listed[ppn] = 0;
        continue;
      }
      const k = machine.refCount(mpn);
      credit += (k - 1) / k;
      sharers[kept++] = ppn;
    }
    sharers.length = kept;
    return credit;
  }

  /**
   * Discards up to `pages` volatile private pages from the head of the VM's FIFO, oldest first; entries the
   * guest has since reused (no longer volatile) or that are not private are passed over.
   */
  repay(vm: VmId, pages: Pages): Pages {
    const entry = this.#vms[vm];
    if (entry === undefined || pages <= 0) return 0;
    const { machine, remap } = this.#attached();
    let taken = 0;
    while (taken < pages) {
      const ppn = entry.fifo.shift();
      if (ppn === -1) break;
      if (
        machine.pageState(vm, ppn) !== PageState.Private ||
        machine.pageUsage(vm, ppn) !== GuestPageUsage.Volatile
      )
        continue;
      remap.discard(vm, ppn);
      taken++;
    }
    this.repaid += taken;
    return taken;
  }

  /** Whether the page a handle names still holds the block's contents, as the read that nominated it left it. */
  #live(vm: VmId, ppn: Ppn, handle: ContentId): boolean {
    const machine = this.#machine ?? this.#attached().machine;
    // The contents first: a stale handle (its page since refilled) is the common case, and fails there.
    if (!machine.hasVm(vm) || machine.peek(vm, ppn) !== handle) return false;
    const state = machine.pageState(vm, ppn);
    return state === PageState.Private || state === PageState.Shared;
  }

  #list(vm: VmId, ppn: Ppn): void {
    const entry = this.#entry(vm);
    if (entry.listed[ppn] === 1) return;
    entry.listed[ppn] = 1;
    entry.sharers.push(ppn);
  }

  #entry(vm: VmId): VmEntry {
    let entry = this.#vms[vm];
    if (entry === undefined) {
      const pages = this.#attached().machine.pageCount(vm);
      entry = { sharers: [], listed: new Uint8Array(pages), fifo: new PageQueue(pages) };
      this.#vms[vm] = entry;
    }
    return entry;
  }

  /** The block table of an image: the last one asked about without a lookup (a guest asks for its own). */
  #attached(): SharingAttachment {
    return attached(this.#attachment, 'Satori');
  }
}

export const satori = defineSharingEngine({
  name: 'satori',
  description:
    'Satori enlightened sharing: a sharing-aware block device shares base-image blocks as they are read, with no disk I/O; savings are credited to the sharers and repaid from their volatile page cache',
  options: satoriOptions,
  create: () => new SatoriSharing(),
});
