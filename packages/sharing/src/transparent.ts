import {
  type ContentId,
  type DiskBlock,
  defineSharingEngine,
  FrameState,
  HvsimError,
  PageState,
  type Ppn,
  type ScanResult,
  type SharingAttachment,
  type SharingEngine,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';

export const transparentOptions = z.object({});

/** A page key: −1 − (vm · 2³¹ + ppn); a shared frame's key is the frame itself, ≥ 0. */
const VM_STRIDE = 2 ** 31;
const pageKey = (vm: VmId, ppn: Ppn) => -1 - (vm * VM_STRIDE + ppn);

/**
 * Disco's transparent page sharing (Bugnion et al., SOSP 1997; cmm-satori-meb §4.1): the virtual disk knows
 * which guest pages it filled from which block of a base image, so a read of a block already in memory maps
 * the reader's page copy-on-write onto the frame holding it, with no scan and no hashing. The first reader's
 * page stands for the block until a second arrives; both then share one frame, which later readers join. A
 * block rewritten since (its contents no longer those of the frame) starts over with the new reader. A page
 * is shared only after a full compare of contents.
 */
export class TransparentSharing implements SharingEngine {
  readonly contract = 'sharing-engine@1';
  readonly name = 'transparent';
  /** (image, block) → a shared frame (≥ 0) or the page that read it (`pageKey`). */
  readonly #blocks = new Map<string, number>();
  #attachment: SharingAttachment | undefined;
  /** Pages mapped onto a shared frame at read time. */
  shared = 0;

  attach(attachment: SharingAttachment): void {
    this.#attachment = attachment;
  }

  /** Nothing to scan: pages are shared as they are read. */
  scan(): ScanResult {
    return { scanned: 0, shared: 0 };
  }

  onDiskRead(vm: VmId, ppn: Ppn, block: DiskBlock, content: ContentId): void {
    const { machine, remap } = this.#attached();
    if (machine.pageState(vm, ppn) !== PageState.Private || content === 0) return;
    const key = `${block.image}:${block.block}`;
    const entry = this.#blocks.get(key);
    if (entry !== undefined && entry >= 0) {
      if (machine.frameState(entry) === FrameState.Shared && machine.frameContent(entry) === content) {
        remap.shareWithFrame(vm, ppn, entry);
        this.shared++;
        return;
      }
    } else if (entry !== undefined) {
      const page = -1 - entry;
      const [hvm, hppn] = [Math.floor(page / VM_STRIDE) as VmId, page % VM_STRIDE];
      const alive = machine.vms().includes(hvm) && machine.pageState(hvm, hppn) === PageState.Private;
      if (alive && !(hvm === vm && hppn === ppn) && machine.peek(hvm, hppn) === content) {
        this.#blocks.set(key, remap.share(vm, ppn, hvm, hppn));
        this.shared += 2;
        return;
      }
    }
    this.#blocks.set(key, pageKey(vm, ppn));
  }

  #attached(): SharingAttachment {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the transparent sharing engine is not attached to a host');
    return this.#attachment;
  }
}

export const transparent = defineSharingEngine({
  name: 'transparent',
  description:
    'Disco transparent page sharing: a read of a base-image block already in memory maps it copy-on-write, no scanning',
  options: transparentOptions,
  create: () => new TransparentSharing(),
});
