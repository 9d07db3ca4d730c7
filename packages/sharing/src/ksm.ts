import { HashTable } from '@hvsim/helpers';
import {
  defineSharingEngine,
  FrameState,
  fractionalRate,
  type Mpn,
  PageState,
  type Pages,
  type Ppn,
  type ScanResult,
  type SharingAttachment,
  type SharingEngine,
  type SimTime,
  scaleOf,
  time,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { attached } from './attached';
import { ContentHash } from './content-hash';
import { keyPpn, keyVm, pageKey, privateContentAt } from './page-key';

export const ksmOptions = z.object({
  pagesToScan: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('resident pages ksmd examines per wake-up (pages_to_scan, default 100)'),
  sleepMillisecs: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('simulated milliseconds between wake-ups (sleep_millisecs, default 20)'),
  maxPageSharing: z
    .number()
    .int()
    .min(2)
    .default(256)
    .describe('most pages mapped onto one KSM page (max_page_sharing, default 256); more stay unmerged'),
  useZeroPages: z
    .boolean()
    .default(false)
    .describe('map zero pages onto the host zero frame instead of merging them as KSM pages (default false)'),
});

export type KsmOptions = z.output<typeof ksmOptions>;

/** An empty entry in either tree: a stable node found stale, or an unstable page since merged. */
const NONE = -1;
/** A page's checksum before its first visit (checksums are 32-bit, never negative). */
const UNSEEN = -1;

/**
 * Linux KSM (mm/ksm.c): ksmd walks the VMs' pages in order, one cursor round all VMs, and visits each resident
 * page as `cmp_and_merge_page` does (classic order, stable tree first):
 * 1. the **stable tree** of KSM pages: equal contents (full compare) map the page onto the KSM page;
 * 2. the **checksum gate**: a page whose 32-bit checksum (xxhash of its bytes) differs from the one recorded at
 *    its last visit is changing too fast — the new checksum is recorded and the page left, so a page is merged
 *    on its second visit at the earliest;
 * 3. with `useZeroPages`, a zero page is mapped onto the host zero frame (kept out of pages_shared, as the
 *    kernel keeps it out);
 * 4. the **unstable tree** of pages seen this pass: a page still holding equal contents merges with this one
 *    into a new KSM page, which joins the stable tree; else this page joins the unstable tree. The unstable
 *    tree is emptied after every full pass, as its pages may have changed since they were inserted.
 *
 * The trees are tables keyed by the content's 64-bit hash instead of red-black trees ordered by memcmp: a hash
 * only proposes a match, and the contents are compared in full before any merge. A KSM page whose mappers
 * all wrote or left is a stale stable node, removed when a lookup finds it.
 *
 * Deviation: when a KSM page already has `maxPageSharing` mappers, Linux starts a duplicate in a stable node
 * chain; this machine keeps one shared frame per content (an invariant), so the page stays unmerged.
 *
 * Rate: ksmd examines `pagesToScan` resident pages every `sleepMillisecs` of simulated time (a wake-up also
 * stops where a full pass ends, as ksmd's does). `scan` runs every wake-up due since the last call, so the
 * host's scan budget is ignored and its scan period only sets how often the engine catches up.
 *
 * In a miniature at scale R a wake-up examines R times fewer pages (the fraction carried), each standing for
 * R, so a pass takes as long as at full size. `maxPageSharing` stays: the sample keeps the pages at the same
 * places in every VM, so a content each VM holds once has as many mappers as at full size; one a VM holds
 * many times has R times fewer, and meets the cap later.
 */
export class KsmSharing implements SharingEngine {
  readonly contract = 'sharing-engine@1';
  readonly name = 'ksm';
  readonly options: KsmOptions;
  /**
   * Pages each wake-up examines: `pagesToScan`, a rate in pages, R times fewer in a miniature, the fraction
   * of a page carried from wake-up to wake-up.
   */
  readonly #pagesToScan: () => number;
  /** Content hash → the KSM page's frame, or NONE. */
  readonly #stable = new HashTable();
  /** Content hash → a page key (see page-key.ts), or NONE. */
  readonly #unstable = new HashTable();
  /** Stable nodes' frames, packed, and each frame's position there + 1 (0: not a stable node). */
  #nodes = new Int32Array(0);
  #nodeAt = new Int32Array(0);
  #nodeCount = 0;
  /** Each VM's page checksums from their last visit. */
  readonly #checksums = new Map<VmId, Float64Array>();
  #hash: ContentHash | undefined;
  #machine: SharingAttachment['machine'] | undefined;
  #remap: SharingAttachment['remap'] | undefined;
  /** The cursor: index into the host's VMs and page within it. */
  #vmIndex = 0;
  #ppn = 0;
  #nextWake: SimTime = 0;
  /** Passes over every VM completed (full_scans). */
  fullScans = 0;

  constructor(options: KsmOptions, scale = 1) {
    this.options = options;
    this.#pagesToScan = fractionalRate(options.pagesToScan / scale);
  }

  attach(attachment: SharingAttachment): void {
    this.#machine = attachment.machine;
    this.#remap = attachment.remap;
    this.#hash = new ContentHash(attachment.contents, 64);
    this.#nodes = new Int32Array(attachment.machine.totalFrames);
    this.#nodeAt = new Int32Array(attachment.machine.totalFrames);
    this.#nextWake = attachment.machine.now;
  }

  /** KSM pages in use: stable nodes whose frame some page still maps (pages_shared). */
  get pagesShared(): number {
    let shared = 0;
    for (let i = 0; i < this.#nodeCount; i++) if (this.#live(this.#nodes[i]!)) shared++;
    return shared;
  }

  /** Pages mapped onto KSM pages beyond one per KSM page: the frames saved (pages_sharing). */
  get pagesSharing(): number {
    const machine = this.#attached();
    let sharing = 0;
    for (let i = 0; i < this.#nodeCount; i++) {
      const mpn = this.#nodes[i]!;
      if (this.#live(mpn)) sharing += machine.refCount(mpn) - 1;
    }
    return sharing;
  }

  /** Runs every wake-up due by now; ksmd's own rate replaces the host's budget. */
  scan(_budget: Pages): ScanResult {
    const machine = this.#attached();
    const sleep = time.ms(this.options.sleepMillisecs);
    let scanned = 0;
    let shared = 0;
    while (this.#nextWake <= machine.now) {
      this.#nextWake += sleep;
      const vms = machine.vms();
      const wake = this.#pagesToScan();
      let left = wake;
      while (left > 0) {
        const vm = vms[this.#vmIndex];
        if (vm === undefined) {
          this.#endPass(vms);
          break;
        }
        const pages = machine.pageCount(vm);
        const checksums = this.#checksumsOf(vm, pages);
        while (left > 0 && this.#ppn < pages) {
          const ppn = this.#ppn++;
          const state = machine.pageState(vm, ppn);
          if (state === PageState.Private) {
            left--;
            shared += this.#visit(vm, ppn, checksums);
          } else if (state === PageState.Shared) left--; // already merged
        }
        if (this.#ppn === pages) {
          this.#vmIndex++;
          this.#ppn = 0;
        }
      }
      scanned += wake - left;
    }
    return { scanned, shared };
  }

  /** `cmp_and_merge_page`: returns the pages newly mapped onto a shared frame. */
  #visit(vm: VmId, ppn: Ppn, checksums: Float64Array): number {
    const machine = this.#machine!;
    const content = machine.peek(vm, ppn)!;
    const hash = this.#hash!;
    hash.of(content);
    const { hi, lo } = hash;

    const node = this.#stable.get(hi, lo);
    if (node !== undefined && node !== NONE && this.#liveOrRemoved(node, hi, lo)) {
      if (machine.frameContent(node) === content) {
        if (machine.refCount(node) >= this.options.maxPageSharing) return 0;
        this.#remap!.shareWithFrame(vm, ppn, node);
        return 1;
      }
    }

    if (checksums[ppn] !== lo) {
      checksums[ppn] = lo;
      return 0;
    }

    if (content === 0 && this.options.useZeroPages) {
      this.#remap!.shareWithFrame(vm, ppn, machine.zeroFrame);
      return 1;
    }

    const key = pageKey(vm, ppn);
    const peer = this.#unstable.get(hi, lo);
    if (peer !== undefined && peer !== NONE && peer !== key && privateContentAt(machine, peer) === content) {
      const mpn = this.#remap!.share(vm, ppn, keyVm(peer), keyPpn(peer));
      this.#unstable.set(hi, lo, NONE);
      this.#stable.set(hi, lo, mpn);
      if (this.#nodeAt[mpn] === 0) {
        this.#nodes[this.#nodeCount++] = mpn;
        this.#nodeAt[mpn] = this.#nodeCount;
      }
      return 2;
    }
    this.#unstable.set(hi, lo, key);
    return 0;
  }

  /** A KSM page some page still maps (the host zero frame outlives its last mapper). */
  #live(mpn: Mpn): boolean {
    const machine = this.#machine!;
    return machine.frameState(mpn) === FrameState.Shared && machine.refCount(mpn) > 0;
  }

  /** Whether the stable node is live; a stale one leaves the stable tree. */
  #liveOrRemoved(mpn: Mpn, hi: number, lo: number): boolean {
    if (this.#live(mpn)) return true;
    this.#stable.set(hi, lo, NONE);
    const at = this.#nodeAt[mpn]!;
    if (at !== 0) {
      const last = this.#nodes[--this.#nodeCount]!;
      this.#nodes[at - 1] = last;
      this.#nodeAt[last] = at;
      this.#nodeAt[mpn] = 0;
    }
    return false;
  }

  #checksumsOf(vm: VmId, pages: number): Float64Array {
    let checksums = this.#checksums.get(vm);
    if (checksums?.length !== pages) {
      checksums = new Float64Array(pages).fill(UNSEEN);
      this.#checksums.set(vm, checksums);
    }
    return checksums;
  }

  /** The cursor passed the last VM: the unstable tree is rebuilt from scratch on the next pass. */
  #endPass(vms: readonly VmId[]): void {
    this.#unstable.clear();
    this.#vmIndex = 0;
    this.#ppn = 0;
    this.fullScans++;
    for (const vm of this.#checksums.keys()) if (!vms.includes(vm)) this.#checksums.delete(vm);
  }

  #attached(): SharingAttachment['machine'] {
    return attached(this.#machine, 'KSM');
  }
}

export const ksm = defineSharingEngine({
  name: 'ksm',
  description:
    'Linux KSM: an in-order scan of pagesToScan pages every sleepMillisecs, stable and unstable trees, merging only pages whose checksum held still since the last visit',
  options: ksmOptions,
  create: (options, context) => new KsmSharing(options, scaleOf(context)),
});
