import { accessOp, type ContentId, type MemoryBus, type Ppn, type VmId, WRITE_ACCESS } from '@hvsim/spec';

/** Who restores a page the host discarded (CMM2's discard fault) before its access is restarted. */
export interface DiscardFaultHandler {
  restore(ppn: Ppn): void;
}

/**
 * The guest's accesses resolved to pages but not yet sent: flushed to the machine in one batch before anything
 * that may read or move a page. The op loop (`GuestKernel.execute`) fills `ops` and `contents` itself for its
 * common op, with the length in a local, and stores it in `pending` before anything else runs.
 */
export class AccessQueue {
  readonly ops: Uint32Array;
  readonly contents: Float64Array;
  pending = 0;
  /** Set when an op did work that takes simulated time beyond an access (fault, disk I/O, compute). */
  slow = false;
  readonly #bus: MemoryBus;
  readonly #vm: VmId;
  /** The LRU's referenced bits: a queued access is a use. */
  readonly #referenced: Uint8Array;
  /** Set by the kernel once it has built the page cache, whose reads allocate pages that flush this queue. */
  restorer!: DiscardFaultHandler;

  constructor(bus: MemoryBus, vm: VmId, referenced: Uint8Array, capacity: number) {
    this.#bus = bus;
    this.#vm = vm;
    this.#referenced = referenced;
    this.ops = new Uint32Array(capacity);
    this.contents = new Float64Array(capacity);
  }

  queue(ppn: Ppn, write: boolean, content: ContentId): void {
    this.#referenced[ppn] = 1;
    if (this.pending === this.ops.length) {
      this.flush();
      this.slow = true; // the flushed accesses may have waited on host swap-ins
    }
    this.ops[this.pending] = accessOp(ppn, write);
    this.contents[this.pending++] = content;
  }

  /** Sends the queued accesses; one that takes a discard fault is restarted once the page is restored. */
  flush(): void {
    if (this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    const ops = this.ops;
    for (let i = this.#bus.accessBatch(this.#vm, ops, this.contents, n); i < n; ) {
      this.restorer.restore(ops[i]! & ~WRITE_ACCESS);
      i = this.#bus.accessBatch(this.#vm, ops, this.contents, n, i);
    }
  }
}
