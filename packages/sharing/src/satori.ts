import { PageQueue } from '@hvsim/helpers';
import {
  type BlockRead,
  type ContentId,
  type CreditsSharers,
  defineSharingEngine,
  GuestPageUsage,
  HvsimError,
  type MachineView,
  overDisk,
  PageState,
  type Pages,
  type Ppn,
  type ScanResult,
  type SharesDiskReads,
  type SharingAttachment,
  type SharingEngine,
  type VirtualDisk,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { attached } from './attached';
import { BlockTable } from './block-table';

const NO_CHUNK = new Int32Array(0);
/** Page numbers stay below 2³¹, so a block table holds them in an Int32Array. */
const MAX_PAGE = 2 ** 31 - 1;

export const satoriOptions = z.object({});

/** What the engine keeps of one VM: the pages it shared (for credits), its repayment FIFO, what it filled. */
interface VmEntry {
  readonly vm: VmId;
  /** The number of the VM's page 0 in the engine's page numbering; page p is `first + p`. */
  readonly first: number;
  /** Pages this engine mapped onto a shared frame that may still be there; `listed` marks them. */
  readonly sharers: Ppn[];
  readonly listed: Uint8Array;
  readonly fifo: PageQueue;
  /**
   * What the device last filled each page with (NaN: never): a handle naming a page the device filled with
   * other contents since is stale, told without asking the machine.
   */
  readonly filled: Float64Array;
}

/**
 * Satori's enlightened page sharing (Miłoś et al., USENIX ATC 2009; cmm-satori-meb §2): a sharing-aware
 * block device keyed by (base image, block), which sees each read request whole, as Xen's block tap does. A
 * block the device must read from the disk nominates the page it fills as the block's source; a later read of
 * the block, by any VM, maps the reader's page copy-on-write onto the source's frame at once, with no disk
 * I/O. The handle is the source page, valid while it holds
 * the block's contents: a write that changes the page invalidates it, and a read that finds it stale drops
 * it and goes to the disk (Xen's `S_HANDLE_INVALID`).
 *
 * Frames saved are credited to the VMs that share them: a frame mapped by k pages credits each mapper
 * (k − 1)/k of a page, so credits sum to the frames saved and a VM that shares nothing has none. A VM keeps
 * its credit as volatile page cache: each VM's repayment FIFO lists the pages the device filled, oldest
 * first, and `repay` discards from its head (the guest re-reads on a discard fault), so a VM whose writes
 * cost it credit repays with its own cache, never another VM's memory.
 */
export class SatoriSharing implements SharingEngine, SharesDiskReads, CreditsSharers {
  readonly contract = 'sharing-engine@1';
  readonly name = 'satori';
  /**
   * (image, block) → its source page's number (0: none). The handle needs no room: a block of an image always
   * holds the same contents (a VM's writes go to its own overlay), which each reader states.
   */
  readonly #sources = new BlockTable((length) => new Int32Array(length));
  readonly #vms: (VmEntry | undefined)[] = [];
  /**
   * Every VM's entry in the order the engine first saw them, which is the order of their page numbers: each
   * VM takes the next run of numbers, as long as its memory, from 1 on. A page number fits 31 bits, so the
   * block table holds it in 4 bytes (half a `pageKey`).
   */
  readonly #runs: VmEntry[] = [];
  #nextFirst = 1;
  #attachment: SharingAttachment | undefined;
  /** `#attachment.machine`, read on every read. */
  #machine: MachineView | undefined;
  /** Reads the device served by sharing, with no disk I/O. */
  sharedReads = 0;
  /** Reads that found the block's handle stale (its page written or gone since) and went to the disk. */
  staleHandles = 0;
  /** Volatile pages discarded to repay credit. */
  repaid = 0;
  /** Each VM's whole pages of credit at its last settlement (see `settle`). */
  readonly #settled: number[] = [];

  attach(attachment: SharingAttachment): void {
    this.#attachment = attachment;
    this.#machine = attachment.machine;
  }

  /** Nothing to scan: pages are shared as they are read. */
  scan(): ScanResult {
    return { scanned: 0, shared: 0 };
  }

  /** The sharing-aware block device: it serves each read request (`readShared`) before the disk below. */
  diskLayer(vm: VmId, below: VirtualDisk): VirtualDisk {
    return overDisk(below, { request: (read) => this.readShared(vm, read) + below.request(read) });
  }

  /**
   * A read request: each page whose block's handle still holds (its source page has the block's contents)
   * is shared with the source, with no disk I/O; the others become their blocks' sources, with the contents
   * the disk read is about to put there. Every page read joins the reader's repayment FIFO.
   */
  readShared(vm: VmId, read: BlockRead): number {
    const { ppns, blocks, images, contents, shared } = read;
    const reader = this.#entry(vm);
    const { first, filled, fifo } = reader;
    let served = 0;
    // The chunk of the block table under way: a request's blocks are mostly consecutive, of one image.
    let image = '';
    let start = 0;
    let chunk = NO_CHUNK;
    for (let i = 0; i < read.length; i++) {
      const block = blocks[i]!;
      if (block - start >= BlockTable.CHUNK_BLOCKS || block < start || images[i] !== image) {
        image = images[i]!;
        chunk = this.#sources.chunk(image, block);
        start = BlockTable.chunkStart(block);
      }
      const ppn = ppns[i]!;
      const content = contents[i]!;
      const held = chunk[block - start]!; // the source page's number; 0: no page read the block yet
      const page = first + ppn;
      let sharing = false;
      if (held !== 0 && held !== page) {
        // The handle's page: mostly of the reader's own VM (a VM re-reading its disk), else of the VM whose
        // run of page numbers holds it.
        const own = held - first;
        const source = own >= 0 && own < filled.length ? reader : this.#owner(held);
        sharing = this.#share(reader, ppn, source, held - source.first, content);
        if (!sharing) this.staleHandles++;
      }
      if (sharing) {
        if (served === 0) shared.fill(0, 0, read.length);
        shared[i] = 1;
        served++;
      } else {
        chunk[block - start] = page;
      }
      filled[ppn] = content;
      fifo.push(ppn);
    }
    this.sharedReads += served;
    return served;
  }

  /**
   * Maps the reader's page onto the frame of the handle's source page, if that still holds the block's
   * contents: the engine's own record first (the device filled the page with other contents since), then the
   * machine's.
   */
  #share(reader: VmEntry, ppn: Ppn, source: VmEntry, sourcePpn: Ppn, content: ContentId): boolean {
    if (source.filled[sourcePpn] !== content) return false;
    const machine = this.#machine ?? this.#attached().machine;
    if (!machine.hasVm(source.vm) || machine.peek(source.vm, sourcePpn) !== content) return false;
    const state = machine.pageState(source.vm, sourcePpn);
    if (state !== PageState.Private && state !== PageState.Shared) return false;
    this.#attached().remap.fillShared(reader.vm, ppn, source.vm, sourcePpn);
    this.#list(source, sourcePpn);
    this.#list(reader, ppn);
    return true;
  }

  /** The VM whose run of page numbers holds `page` (the last run starting at or before it). */
  #owner(page: number): VmEntry {
    const runs = this.#runs;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid]!.first <= page) lo = mid;
      else hi = mid - 1;
    }
    return runs[lo]!;
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

  credit(vm: VmId): Pages {
    return this.entitlement(vm);
  }

  /**
   * Repayment: a VM whose whole credit fell since its last settlement (its writes broke shares) repays the
   * fall from its repayment FIFO, its oldest volatile cache pages, as far as it is `over` its target.
   */
  settle(vm: VmId, over: Pages): Pages {
    const whole = Math.floor(this.entitlement(vm));
    const fall = (this.#settled[vm] ?? 0) - whole;
    this.#settled[vm] = whole;
    return fall > 0 && over > 0 ? this.repay(vm, Math.min(fall, over)) : 0;
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

  #list(entry: VmEntry, ppn: Ppn): void {
    if (entry.listed[ppn] === 1) return;
    entry.listed[ppn] = 1;
    entry.sharers.push(ppn);
  }

  #entry(vm: VmId): VmEntry {
    let entry = this.#vms[vm];
    if (entry === undefined) {
      const pages = this.#attached().machine.pageCount(vm);
      if (this.#nextFirst + pages > MAX_PAGE) {
        throw new HvsimError(
          'out-of-range',
          `Satori numbers every page of the VMs it sees in 31 bits: vm ${vm}'s ${pages} pages would take it past ${MAX_PAGE} pages`,
          'sharing',
        );
      }
      entry = {
        vm,
        first: this.#nextFirst,
        sharers: [],
        listed: new Uint8Array(pages),
        fifo: new PageQueue(pages),
        filled: new Float64Array(pages).fill(Number.NaN),
      };
      this.#vms[vm] = entry;
      this.#runs.push(entry);
      this.#nextFirst += pages;
    }
    return entry;
  }

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
