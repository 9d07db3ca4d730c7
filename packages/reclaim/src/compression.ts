import {
  defineReclamationMechanism,
  GuestPageUsage,
  HvsimError,
  type MechanismAttachment,
  PAGE_SIZE,
  PageState,
  type Pages,
  type Ppn,
  type RandomStream,
  type ReclamationMechanism,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { CompressedSizes } from './compressed-size';
import { PageList } from './page-list';
import { Victims, victimsOption } from './victims';

const share = (what: string, fallback: number) =>
  z.number().gt(0).max(1).default(fallback).describe(`${what} (default ${fallback})`);

export const compressionOptions = z.object({
  maxShare: share("most of a VM's memory its compression cache may occupy, as zswap's max_pool_percent", 0.2),
  rejectAbove: share(
    'a page that compresses to more than this share of a page is paged out instead (zswap rejects pages that compress poorly; zram keeps those over about 3/4 of a page whole)',
    0.75,
  ),
  syntheticShare: share(
    'what a content with no real bytes behind it compresses to, as a share of a page on average (±50% by content); 0.4 is 2.5:1, within the 2–4:1 commonly reported for lz4 on anonymous memory',
    0.4,
  ),
  victims: victimsOption(),
});

export type CompressionOptions = z.output<typeof compressionOptions>;

/**
 * Memory compression, the tier between ballooning and swapping (zswap, zram, ESX 4.1's compression cache):
 * victims — chosen as host paging chooses them, each first offered to the sharing engine — are compressed
 * into their VM's cache, which holds whole frames, at most `maxShare` of the VM's memory. A page's size comes
 * from its contents (lz4 over real bytes when the host has them, see `CompressedSizes`); one that compresses
 * to more than `rejectAbove` of a page, or that the cache cannot make room for, is paged out to host swap
 * instead, its compression wasted. When the cache is full, the pages compressed longest ago are written back
 * to host swap, still compressed, until the new one fits (zswap writes back its least recently stored
 * entries; an access takes a page out of the cache, so no entry is ever used after it is stored). Every
 * compression is charged to the VM and an access decompresses its page, charged too. Pages come back on
 * access, so `release` returns nothing.
 */
export class CompressionMechanism implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'compression';
  readonly options: CompressionOptions;
  readonly #victims: Victims;
  /** Per VM, its compressed pages in the order they were stored, for write-back. */
  readonly #stored = new Map<VmId, PageList>();
  #sizes: CompressedSizes | undefined;
  #attachment: MechanismAttachment | undefined;

  constructor(options: CompressionOptions, random: RandomStream) {
    this.options = options;
    this.#victims = new Victims(this.name, options.victims, random);
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
    this.#victims.attach(attachment);
    this.#sizes = new CompressedSizes(attachment.contents, this.options.syntheticShare);
  }

  /** Most frames the VM's compression cache may occupy. */
  capacity(vm: VmId): Pages {
    return Math.floor(this.options.maxShare * this.#attached().machine.pageCount(vm));
  }

  /** While its cache has room, or the host swap has a slot to write back to. */
  available(vm: VmId): boolean {
    const machine = this.#attached().machine;
    return machine.compressionFrames(vm) < this.capacity(vm) || machine.usedSwapSlots < machine.swapSlots;
  }

  /**
   * Takes victims until what the VM holds, as the host counts it (its resident pages and its cache's frames),
   * is `pages` less; returns how much less.
   */
  reclaim(vm: VmId, pages: Pages): Pages {
    const { shareBeforeSwap } = this.#attached();
    const start = this.#held(vm);
    const victims = this.#victims.of(vm);
    while (start - this.#held(vm) < pages) {
      const next = victims.next();
      if (next.done) break;
      if (!shareBeforeSwap?.(vm, next.value) && !this.#store(vm, next.value)) break;
    }
    return start - this.#held(vm);
  }

  release(): Pages {
    return 0;
  }

  #held(vm: VmId): Pages {
    const machine = this.#attached().machine;
    const partition = machine.pagePartition(vm);
    return partition.private + partition.shared + machine.compressionFrames(vm);
  }

  /**
   * Compresses a victim into the cache, or pages it out; false when neither can be done. A page the guest
   * gave up (CMM2: unused or volatile) is dropped or discarded instead: it needs no room anywhere.
   */
  #store(vm: VmId, ppn: Ppn): boolean {
    const { machine, remap } = this.#attached();
    if (machine.pageUsage(vm, ppn) !== GuestPageUsage.Stable) {
      remap.evict(vm, ppn);
      return true;
    }
    const bytes = this.#sizes!.of(machine.peek(vm, ppn)!);
    if (bytes <= this.options.rejectAbove * PAGE_SIZE && this.#makeRoom(vm, bytes)) {
      remap.compress(vm, ppn, bytes);
      this.#storedOf(vm).append(ppn);
      return true;
    }
    if (machine.usedSwapSlots >= machine.swapSlots) return false;
    remap.rejectCompression(vm, ppn);
    remap.swapOut(vm, ppn);
    return true;
  }

  /** Writes back the oldest compressed pages until `bytes` more fit under the cap; false if they cannot. */
  #makeRoom(vm: VmId, bytes: number): boolean {
    const { machine, remap } = this.#attached();
    const capacity = this.capacity(vm);
    const stored = this.#storedOf(vm);
    // The cache occupies whole frames, as many as its bytes need.
    while (Math.ceil((machine.compressedBytes(vm) + bytes) / PAGE_SIZE) > capacity) {
      if (machine.usedSwapSlots >= machine.swapSlots) return false;
      let oldest = stored.first();
      // Pages decompressed by an access since they were stored leave the list as they come up.
      while (oldest !== -1 && machine.pageState(vm, oldest) !== PageState.Compressed) {
        stored.remove(oldest);
        oldest = stored.first();
      }
      if (oldest === -1) return false;
      stored.remove(oldest);
      remap.swapOutCompressed(vm, oldest);
    }
    return true;
  }

  #storedOf(vm: VmId): PageList {
    let stored = this.#stored.get(vm);
    if (!stored) {
      stored = new PageList(this.#attached().machine.pageCount(vm));
      this.#stored.set(vm, stored);
    }
    return stored;
  }

  #attached(): MechanismAttachment {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the compression mechanism is not attached to a host');
    return this.#attachment;
  }
}

export const compression = defineReclamationMechanism({
  name: 'compression',
  description:
    'memory compression (zswap-like): victims compressed into a per-VM cache capped at a share of the VM, the oldest written back to host swap when it is full, poorly compressing pages paged out',
  options: compressionOptions,
  create: (options, context) => new CompressionMechanism(options, context.random.split('compression')),
});
