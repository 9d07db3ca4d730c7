import type { Ppn } from '@hvsim/spec';

/** Which of the two LRU lists a page is on. */
export const LruList = { None: 0, Active: 1, Inactive: 2 } as const;
export type LruList = (typeof LruList)[keyof typeof LruList];

/**
 * The guest's two-list LRU (Linux's active and inactive lists), as doubly linked lists in typed arrays, with a
 * referenced bit per page set on every access. Reclaim takes from the inactive tail, giving referenced pages a
 * second chance on the active list; aging moves unreferenced pages from the active tail to the inactive head.
 */
export class LruLists {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly list: Uint8Array;
  readonly referenced: Uint8Array;
  readonly #head = new Int32Array(3).fill(-1);
  readonly #tail = new Int32Array(3).fill(-1);
  readonly #size = new Float64Array(3);

  constructor(pages: number) {
    // A page's links are read only while it is on a list, and set when it goes on one: no fill, so a guest
    // of a terabyte writes nothing here for pages it has yet to use.
    this.prev = new Int32Array(pages);
    this.next = new Int32Array(pages);
    this.list = new Uint8Array(pages);
    this.referenced = new Uint8Array(pages);
  }

  size(list: LruList): number {
    return this.#size[list]!;
  }

  tail(list: LruList): Ppn | -1 {
    return this.#tail[list]!;
  }

  /** Puts a page (on no list) at the head of `list`. */
  pushHead(list: LruList, ppn: Ppn): void {
    const head = this.#head[list]!;
    this.prev[ppn] = -1;
    this.next[ppn] = head;
    if (head !== -1) this.prev[head] = ppn;
    else this.#tail[list] = ppn;
    this.#head[list] = ppn;
    this.list[ppn] = list;
    this.#size[list]!++;
  }

  /** Takes a page off whatever list it is on. */
  remove(ppn: Ppn): void {
    const list = this.list[ppn]!;
    if (list === LruList.None) return;
    const p = this.prev[ppn]!;
    const n = this.next[ppn]!;
    if (p !== -1) this.next[p] = n;
    else this.#head[list] = n;
    if (n !== -1) this.prev[n] = p;
    else this.#tail[list] = p;
    this.prev[ppn] = -1;
    this.next[ppn] = -1;
    this.list[ppn] = LruList.None;
    this.referenced[ppn] = 0;
    this.#size[list]!--;
  }

  moveToHead(list: LruList, ppn: Ppn): void {
    this.remove(ppn);
    this.pushHead(list, ppn);
  }

  /**
   * Ages the active list while the inactive list is smaller than half of it: an unreferenced page at the
   * active tail moves to the inactive head, a referenced one rotates with its bit cleared.
   */
  balance(): void {
    let budget = this.#size[LruList.Active]!;
    while (budget-- > 0 && this.#size[LruList.Inactive]! * 2 < this.#size[LruList.Active]!) {
      const ppn = this.#tail[LruList.Active]!;
      if (this.referenced[ppn]) {
        this.moveToHead(LruList.Active, ppn);
      } else this.moveToHead(LruList.Inactive, ppn);
    }
  }

  /** Pages of `list` from head to tail, for invariant checks. */
  *pages(list: LruList): Generator<Ppn> {
    for (let p = this.#head[list]!; p !== -1; p = this.next[p]!) yield p;
  }
}
