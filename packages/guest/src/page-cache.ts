import type { ContentId, Ppn } from '@hvsim/spec';
import type { AnonMemory } from './anon-swap';
import { badTarget } from './bad-target';
import type { KernelParts } from './kernel-parts';
import { LruList } from './lru';
import { PageUse } from './page-use';
import { Readahead, type ReadaheadCache, type ReadaheadServices } from './readahead';

/** What the page cache needs of the rest of the kernel: readahead's needs, and for copies the process side. */
export interface PageCacheServices extends ReadaheadServices, Pick<KernelParts, 'accesses' | 'copier'> {
  readonly anon: AnonMemory;
}

/**
 * The page cache of virtual-disk blocks (Linux's mm/filemap.c): a block's page is found, or allocated and
 * read through readahead on a miss; a write makes it stable first; read(2) copies it into a process's page.
 * It also knows what each block holds on the disk: its image's contents, or what this VM wrote back there.
 */
export class PageCache implements ReadaheadCache {
  /** Block → page + 1 (0: not cached). */
  readonly entries: Int32Array;
  readonly readahead: Readahead;
  /** Blocks written back, as content + 1 (0: the block still holds its image's contents). */
  #written: Float64Array | undefined;
  /** The image name of the blocks this VM wrote back: its copy-on-write overlay of the base image. */
  readonly #overlay: string;
  readonly #mm: PageCacheServices;

  constructor(mm: PageCacheServices) {
    this.entries = new Int32Array(mm.settings.diskBlocks);
    this.#overlay = `${mm.settings.image}#vm${mm.vm}`;
    this.#mm = mm;
    this.readahead = new Readahead(this, mm);
  }

  /** The page caching disk block `block`, or -1. */
  cachedPage(block: number): Ppn | -1 {
    return this.entries[block]! - 1;
  }

  /** What disk block `block` holds on the disk itself (not its cached copy). */
  onDisk(block: number): ContentId {
    const written = this.#written?.[block] ?? 0;
    return written === 0 ? this.#mm.settings.diskContent(block) : written - 1;
  }

  /**
   * The image `block` of the VM's disk lives in: the base image, unless this VM wrote it back since boot —
   * then the VM's own copy-on-write overlay, which no other VM reads (so a sharing-aware device serving the
   * image's blocks to every VM never hands out what this one wrote).
   */
  imageOf(block: number): string {
    return (this.#written?.[block] ?? 0) === 0 ? this.#mm.settings.image : this.#overlay;
  }

  /** Per block, what write-back put on the disk, as content + 1: made when the first block is written back. */
  written(): Float64Array {
    this.#written ??= new Float64Array(this.entries.length);
    return this.#written;
  }

  /**
   * The page caching a disk block, read from the disk on a miss when `fill` (a full overwrite needs no read),
   * through readahead.
   */
  page(block: number, fill: boolean): Ppn {
    const cached = this.entries[block] ?? badTarget('disk block', this.entries.length, block);
    if (cached > 0) return cached - 1;
    const ppn = this.cacheBlock(block, fill);
    if (fill) this.readahead.read(ppn, block);
    return ppn;
  }

  /** A new page-cache page for `block`, on the inactive list; `filled` when a disk read fills it. */
  cacheBlock(block: number, filled: boolean): Ppn {
    const { allocator, frames } = this.#mm;
    const ppn = allocator.allocate(PageUse.Cache, filled);
    frames.owner[ppn] = block;
    this.entries[block] = ppn + 1;
    frames.lru.pushHead(LruList.Inactive, ppn);
    return ppn;
  }

  /** Drops `block`'s page `ppn` from the cache and frees it; the caller wrote it back if it was dirty. */
  drop(block: number, ppn: Ppn): void {
    this.entries[block] = 0;
    this.#mm.allocator.release(ppn, false);
  }

  /**
   * The cache page a write of `block` dirties, stable: with hints, a cached page is made stable first, and
   * one the host discarded meanwhile is dropped from the cache and replaced (the write fills it whole).
   */
  writablePage(block: number): Ppn {
    const { settings, frames, bus, vm } = this.#mm;
    const ppn = this.page(block, false);
    if (!settings.pageHints || frames.dirty[ppn]) return ppn; // a dirty page is stable already
    if (bus.makeStableIfNotDiscarded(vm, ppn)) return ppn;
    this.drop(block, ppn);
    return this.page(block, false);
  }

  /**
   * read(2) of `block` into the buffer page at virtual page `vpn`: the copy routine copies the cache page
   * into it — unless a sharing engine maps the buffer copy-on-write onto the cache page's frame instead
   * (Disco). When finding the cache page took the buffer's page away, the copy goes to its new page.
   */
  copy(block: number, vpn: number): void {
    const { accesses, anon, frames, bus, machine, vm } = this.#mm;
    accesses.flush();
    accesses.slow = true; // a fault or a disk read on the way may have taken time
    const dst = anon.page(vpn);
    frames.lru.referenced[dst] = 1;
    const src = this.page(block, true);
    frames.lru.referenced[src] = 1;
    accesses.flush(); // the buffer's clear, if it was just allocated, lands before the copy
    if (anon.pageTable[vpn] === dst + 1 && this.#mm.copier?.copyPage(dst, src)) return;
    // The copy reads the cache page as an access of a batch, as it may take a discard fault.
    accesses.queue(src, false, 0);
    accesses.flush();
    const content = machine.peek(vm, src)!;
    bus.write(vm, anon.page(vpn), content);
  }
}
