import {
  addBlock,
  type BlockRead,
  type ContentId,
  createBlockRead,
  GuestPageUsage,
  HvsimError,
  PageState,
  type Ppn,
} from '@hvsim/spec';
import type { DiscardFaultHandler } from './access-queue';
import type { KernelParts } from './kernel-parts';
import { LruList } from './lru';
import type { PageAllocator } from './page-alloc';
import { PageUse } from './page-use';

/** What readahead needs of the page cache it fills. */
export interface ReadaheadCache {
  /** Block → page + 1 (0: not cached). */
  readonly entries: Int32Array;
  cacheBlock(block: number, filled: boolean): Ppn;
  imageOf(block: number): string;
  onDisk(block: number): ContentId;
}

/** What readahead needs of the rest of the kernel. */
export interface ReadaheadServices
  extends Pick<
    KernelParts,
    'settings' | 'frames' | 'requests' | 'hints' | 'counters' | 'disk' | 'bus' | 'machine' | 'vm'
  > {
  readonly allocator: PageAllocator;
}

/**
 * The page cache's reads (Linux's mm/readahead.c): a missed block is read with the blocks after it, up to the
 * readahead window, in one request to the virtual disk; and a cached page the host discarded is re-read the
 * same way (the discard fault).
 */
export class Readahead implements DiscardFaultHandler {
  /** The block device's read request, reused for every read. */
  readonly #read: BlockRead;
  readonly #cache: ReadaheadCache;
  readonly #mm: ReadaheadServices;

  constructor(cache: ReadaheadCache, mm: ReadaheadServices) {
    this.#read = createBlockRead(Math.max(1, mm.settings.fullReadaheadBlocks));
    this.#cache = cache;
    this.#mm = mm;
  }

  /**
   * Reads `block`, just missed and given page `ppn`, from the disk, with the blocks after it up to the
   * readahead window in the same request: it stops at a block already cached, at the end of the disk, and
   * when memory is too tight to hold the window.
   */
  read(ppn: Ppn, block: number): void {
    const { frames, allocator } = this.#mm;
    const entries = this.#cache.entries;
    // The missed page is about to be used: referenced, so reclaim for the readahead pages passes it over.
    frames.lru.referenced[ppn] = 1;
    this.#read.length = 0;
    this.#addBlock(ppn, block);
    // Linux's readahead: every page of the window allocated first, then one request reads them all.
    const window = this.#mm.requests.window();
    const end = Math.min(entries.length, block + window);
    for (let next = block + 1; next < end && entries[next] === 0; next++) {
      // Under pressure, a window larger than the inactive list would evict its own pages (or active ones).
      if (allocator.freePages === 0 && frames.lru.size(LruList.Inactive) < window) break;
      this.#addBlock(this.#cache.cacheBlock(next, true), next);
    }
    this.#readBlocks();
  }

  /** A discard fault: the host discarded a volatile page the guest touched, which it re-reads from disk. */
  restore(ppn: Ppn): void {
    const { frames, machine, bus, vm } = this.#mm;
    const entries = this.#cache.entries;
    // Only clean page-cache pages are ever volatile: re-read the block from the disk.
    if (frames.use[ppn] !== PageUse.Cache || frames.dirty[ppn]) {
      throw new HvsimError('lost-data', `page ${ppn} was discarded but is not a clean cache page`, 'guest');
    }
    const block = frames.owner[ppn]!;
    this.#read.length = 0;
    this.#addBlock(ppn, block);
    // The read goes through readahead, as Linux's retry after page_discard does: cached blocks after it that
    // the host discarded too come back in the same request (each made stable, filled, volatile again).
    const end = Math.min(entries.length, block + this.#mm.requests.window());
    for (let next = block + 1; next < end; next++) {
      const page = entries[next]! - 1;
      if (page < 0 || machine.pageState(vm, page) !== PageState.Discarded) break;
      bus.setPageUsage(vm, page, GuestPageUsage.Stable);
      this.#addBlock(page, next);
    }
    this.#readBlocks();
  }

  #addBlock(ppn: Ppn, block: number): void {
    addBlock(this.#read, ppn, this.#cache.imageOf(block), block, this.#cache.onDisk(block));
  }

  /**
   * Issues the request to the virtual disk: a sharing layer over it, when the host put one there, fills the
   * pages whose blocks it holds in memory already (no disk I/O); the disk reads the rest in one request, by
   * DMA. Each page is made volatile once filled, before the next is, so reclaim never finds one unused.
   */
  #readBlocks(): void {
    const read = this.#read;
    const entries = this.#cache.entries;
    // A page that reclaim took back for a later page of the window caches another block now: not read.
    let n = 0;
    for (let i = 0; i < read.length; i++) {
      const ppn = read.ppns[i]!;
      const block = read.blocks[i]!;
      if (entries[block] !== ppn + 1) continue;
      if (n !== i) {
        read.ppns[n] = ppn;
        read.blocks[n] = block;
        read.images[n] = read.images[i]!;
        read.contents[n] = read.contents[i]!;
      }
      n++;
    }
    read.length = n;
    const disk = this.#mm.disk;
    const shared = disk.request(read);
    for (let i = 0; i < n; i++) {
      const ppn = read.ppns[i]!;
      if (shared > 0 && read.shared[i] === 1) this.#mm.counters.sharedReads++;
      else disk.transfer(ppn, read.images[i]!, read.blocks[i]!, read.contents[i]!);
      this.#mm.hints.makeVolatile(ppn);
    }
    if (shared === n) return;
    this.#mm.requests.read(n - shared, this.#mm.settings.fullReadaheadBlocks);
  }
}
