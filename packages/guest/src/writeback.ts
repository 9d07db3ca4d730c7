import type { SimTime } from '@hvsim/spec';
import type { KernelParts } from './kernel-parts';
import type { PageCache } from './page-cache';

/** A dirty page's age for the flusher: dirtied since its last pass, or already dirty then. */
export const DIRTIED = 1;
const AGED = 2;

/** What write-back needs of the rest of the kernel. */
export interface WritebackServices
  extends Pick<
    KernelParts,
    'settings' | 'frames' | 'accesses' | 'requests' | 'hints' | 'bus' | 'machine' | 'vm'
  > {
  readonly cache: PageCache;
}

/**
 * Write-back of dirty page-cache pages (Linux's mm/page-writeback.c): by the flusher, within `writeback` of a
 * page's first write, and by reclaim before it drops a dirty page.
 */
export class Writeback {
  /** VM time of the flusher's next pass (never without write-back). */
  nextFlush: SimTime;
  readonly #mm: WritebackServices;

  constructor(mm: WritebackServices) {
    this.#mm = mm;
    this.nextFlush = mm.settings.writeback > 0 ? mm.settings.writeback / 2 : Number.POSITIVE_INFINITY;
  }

  /**
   * The flusher (Linux's writeback threads): every half of `writeback`, dirty cache pages already dirty at the
   * pass before are written back, so each goes within `writeback` of its first write and becomes clean — and,
   * with page hints, volatile. The guest waits for the writes, a simplification: Linux's flusher writes in
   * the background.
   */
  flushDirty(): void {
    const { machine, vm, frames } = this.#mm;
    this.nextFlush = machine.vmTime(vm) + this.#mm.settings.writeback / 2;
    this.#mm.accesses.flush();
    const dirty = frames.dirty;
    for (let ppn = 0; ppn < dirty.length; ppn++) {
      if (dirty[ppn] === DIRTIED) dirty[ppn] = AGED;
      else if (dirty[ppn] === AGED) this.writeBack(frames.owner[ppn]!);
    }
  }

  /**
   * Writes a dirty block back with the dirty blocks cached after it, up to the readahead window, in one
   * request (as Linux's flusher clusters a file's dirty pages); they stay cached, clean.
   */
  writeBack(block: number): void {
    const { cache, frames, bus, vm, requests } = this.#mm;
    const written = cache.written();
    const entries = cache.entries;
    const end = Math.min(entries.length, block + requests.window());
    let next = block;
    for (; next < end; next++) {
      const ppn = entries[next]! - 1;
      if (ppn < 0 || !frames.dirty[ppn]) break;
      written[next] = bus.deviceRead(vm, ppn) + 1;
      frames.dirty[ppn] = 0;
      this.#mm.hints.makeVolatile(ppn);
    }
    requests.write(next - block, this.#mm.settings.fullReadaheadBlocks);
  }
}
