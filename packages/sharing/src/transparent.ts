import {
  type ContentId,
  defineSharingEngine,
  FrameState,
  overDisk,
  PageState,
  type Ppn,
  type ScanResult,
  type SharesCopies,
  type SharesDiskReads,
  type SharingAttachment,
  type SharingEngine,
  type VirtualDisk,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { attached } from './attached';
import { BlockTable } from './block-table';
import { keyPpn, keyVm, pageKey, privateContentAt } from './page-key';

export const transparentOptions = z.object({});

/** A reader's entry: −1 − its page key; a shared frame's entry is the frame itself, ≥ 0. */
const readerEntry = (vm: VmId, ppn: Ppn) => -1 - pageKey(vm, ppn);

/**
 * Disco's transparent page sharing (Bugnion et al., SOSP 1997; cmm-satori-meb §4.1): the virtual disk knows
 * which guest pages it filled from which block of a base image, so a read of a block already in memory maps
 * the reader's page copy-on-write onto the frame holding it, with no scan and no hashing. The first reader's
 * page stands for the block until a second arrives; both then share one frame, which later readers join. A
 * block rewritten since (its contents no longer those of the frame) starts over with the new reader. A page
 * is shared only after a full compare of contents. The guest's copy routine is hooked too: a page copied
 * whole is mapped copy-on-write onto its source instead.
 */
export class TransparentSharing implements SharingEngine, SharesDiskReads, SharesCopies {
  readonly contract = 'sharing-engine@1';
  readonly name = 'transparent';
  /** (image, block) → a shared frame + 1 (> 0) or the page that read it (`readerEntry`, < 0); 0: none. */
  readonly #blocks = new BlockTable((length) => new Float64Array(length));
  #attachment: SharingAttachment | undefined;
  /** Pages mapped onto a shared frame at read time. */
  shared = 0;
  /** Page copies done by mapping instead. */
  copies = 0;

  attach(attachment: SharingAttachment): void {
    this.#attachment = attachment;
  }

  /** Nothing to scan: pages are shared as they are read. */
  scan(): ScanResult {
    return { scanned: 0, shared: 0 };
  }

  /** Disco's copy-on-write disk: each page the disk fills goes to `onDiskRead` once filled. */
  diskLayer(vm: VmId, below: VirtualDisk): VirtualDisk {
    return overDisk(below, {
      transfer: (ppn, image, block, content) => {
        below.transfer(ppn, image, block, content);
        this.onDiskRead(vm, ppn, image, block, content);
      },
    });
  }

  /** Page `ppn` was filled from block `block` of `image`: it may join the frame already holding that block. */
  onDiskRead(vm: VmId, ppn: Ppn, image: string, block: number, content: ContentId): void {
    const { machine, remap } = this.#attached();
    if (machine.pageState(vm, ppn) !== PageState.Private || content === 0) return;
    const chunk = this.#blocks.chunk(image, block);
    const slot = block - BlockTable.chunkStart(block);
    const held = chunk[slot]!; // a shared frame + 1 (> 0), a reader's entry (< 0), or 0: no page read it yet
    if (held > 0) {
      const mpn = held - 1;
      if (machine.frameState(mpn) === FrameState.Shared && machine.frameContent(mpn) === content) {
        remap.shareWithFrame(vm, ppn, mpn);
        this.shared++;
        return;
      }
    } else if (held < 0 && held !== readerEntry(vm, ppn)) {
      const reader = -1 - held;
      if (privateContentAt(machine, reader) === content) {
        chunk[slot] = remap.share(vm, ppn, keyVm(reader), keyPpn(reader)) + 1;
        this.shared += 2;
        return;
      }
    }
    chunk[slot] = readerEntry(vm, ppn);
  }

  /**
   * Disco's hooked copy routine: a copy of a whole page (a file read into a page-aligned buffer) maps the
   * destination copy-on-write onto the source's frame instead, so the buffer and the buffer cache share it.
   */
  copyPage(vm: VmId, dst: Ppn, src: Ppn): boolean {
    const { machine, remap } = this.#attached();
    const from = machine.pageState(vm, src);
    const to = machine.pageState(vm, dst);
    if (from !== PageState.Private && from !== PageState.Shared) return false;
    if (to === PageState.Ballooned || to === PageState.Discarded) return false;
    remap.fillShared(vm, dst, vm, src);
    this.copies++;
    return true;
  }

  #attached(): SharingAttachment {
    return attached(this.#attachment, 'transparent');
  }
}

export const transparent = defineSharingEngine({
  name: 'transparent',
  description:
    'Disco transparent page sharing: a read of a base-image block already in memory maps it copy-on-write, no scanning',
  options: transparentOptions,
  create: () => new TransparentSharing(),
});
