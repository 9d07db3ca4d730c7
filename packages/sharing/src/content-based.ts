import { HashTable } from '@hvsim/helpers';
import {
  defineSharingEngine,
  FrameState,
  fractionalRate,
  type Mpn,
  PageState,
  type Pages,
  type Ppn,
  type RandomStream,
  type ScanResult,
  type SharesBeforeSwap,
  type SharingAttachment,
  type SharingEngine,
  scaleOf,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { attached } from './attached';
import { ContentHash } from './content-hash';
import { keyPpn, keyVm, pageKey, privateContentAt } from './page-key';

export const contentBasedOptions = z.object({
  vmBudget: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('most pages of one VM examined per scan (default: the scan budget shared evenly)'),
  hashBits: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(64)
    .describe(
      'bits of the 64-bit hash kept (default 64); a few make unequal pages collide on purpose, to exercise the false-match path',
    ),
  salting: z
    .enum(['none', 'vm', 'domains'])
    .default('none')
    .describe(
      "trust domains pages are shared in, as ESXi's Mem.ShareForceSalting: none (0) across every VM, as in the 2002 paper; vm (2 with no salt set, ESXi's default since 2014) only within a VM; domains only between VMs of one shareDomain, a VM without one in a domain of its own",
    ),
});

export type ContentBasedOptions = z.output<typeof contentBasedOptions>;

/** Hint keys encode the page as −1 − its page key; shared-frame keys are the frame, ≥ 0. */
const hintKey = (vm: VmId, ppn: Ppn) => -1 - pageKey(vm, ppn);

/**
 * ESX's content-based page sharing (Waldspurger, OSDI 2002, §4): pages picked at random are hashed, and the
 * hash looked up in one table for the whole host. An entry is either a shared frame, onto which a page with
 * equal contents is mapped copy-on-write, or a hint: a page hashed once and not shared, whose contents may
 * have changed since. A match on a hint rehashes the hinted page: changed, the hint is stale and the new page
 * takes its place; unchanged and equal, both pages are shared. Every match is confirmed by a full compare
 * before sharing, so a hash that falsely matches never shares differing contents (the machine refuses
 * anyway). A zero page is mapped onto the host's zero frame. Reference counts of 16 bits with an overflow
 * table are the machine's.
 *
 * A scan examines at most `budget` pages host-wide and `vmBudget` of any one VM, taking VMs in turn and
 * pages of each at random (ESX scans at random so that no guest can predict, or starve, the scanner).
 * `tryShare` examines one page on behalf of the host's paging daemon: share-before-swap.
 *
 * Salting (the answer to the copy-on-write timing side channel) confines sharing to trust domains, as ESXi
 * does: each domain's salt is mixed into the hash, so lookups of two domains do not meet, and — in case a
 * hash collides anyway — a hint or shared frame of another domain is never used; shared frames are made in
 * the page's domain (the machine keeps one per domain and content). The zero frame stays host-wide: every
 * zero page is mapped onto it whatever other VMs hold, so its copy-on-write time reveals nothing.
 */
export class ContentBasedSharing implements SharingEngine, SharesBeforeSwap {
  readonly contract = 'sharing-engine@1';
  readonly name = 'content-based';
  readonly options: ContentBasedOptions;
  readonly #random: RandomStream;
  /**
   * Each scan's `vmBudget`: a rate in pages, R times fewer in a miniature, the fraction of a page carried
   * from scan to scan (the host divides its own budget).
   */
  readonly #vmBudget: (() => number) | undefined;
  /** Hash → a shared frame (≥ 0) or a hinted page (`hintKey`). */
  readonly #table = new HashTable();
  #hash: ContentHash | undefined;
  /** The attachment's parts, read on every page examined. */
  #machine: SharingAttachment['machine'] | undefined;
  #remap: SharingAttachment['remap'] | undefined;
  #domainOf: SharingAttachment['domainOf'];
  /** Each VM's salt (its domain's number, from 1; 0 unsalted), by VM id, filled as VMs are first seen. */
  readonly #salts: number[] = [];
  /** Domain numbers by key: `vm:<id>` for a VM alone, `domain:<name>` for a named domain. */
  readonly #domains = new Map<string, number>();
  /** Next VM to scan, in turn. */
  #turn = 0;
  /** Matches whose full compare found different contents. */
  falseMatches = 0;
  /** Hints found stale (the page changed, or left memory) and replaced. */
  staleHints = 0;
  /** Matches refused because the entry belongs to another trust domain (a salted hash that collided). */
  crossDomainMatches = 0;

  constructor(options: ContentBasedOptions, random: RandomStream, scale = 1) {
    this.options = options;
    this.#random = random;
    this.#vmBudget = options.vmBudget === undefined ? undefined : fractionalRate(options.vmBudget / scale);
  }

  attach(attachment: SharingAttachment): void {
    this.#machine = attachment.machine;
    this.#remap = attachment.remap;
    this.#domainOf = attachment.domainOf;
    this.#hash = new ContentHash(attachment.contents, this.options.hashBits);
  }

  /** Entries in the hash table: shared frames and hints. */
  get entries(): number {
    return this.#table.size;
  }

  scan(budget: Pages): ScanResult {
    const machine = this.#attached();
    const vms = machine.vms();
    let scanned = 0;
    let shared = 0;
    if (vms.length === 0) return { scanned, shared };
    const perVm = this.#vmBudget?.() ?? Math.ceil(budget / vms.length);
    for (let turns = 0; turns < vms.length && scanned < budget; turns++) {
      const vm = vms[this.#turn++ % vms.length]!;
      const pages = machine.pageCount(vm);
      for (let n = Math.min(perVm, budget - scanned); n > 0; n--, scanned++) {
        shared += this.#examine(vm, this.#random.nextInt(pages));
      }
    }
    return { scanned, shared };
  }

  tryShare(vm: VmId, ppn: Ppn): boolean {
    const machine = this.#attached();
    this.#examine(vm, ppn);
    return machine.pageState(vm, ppn) === PageState.Shared;
  }

  /** Looks a page up and shares it if it can; returns the pages newly mapped onto a shared frame. */
  #examine(vm: VmId, ppn: Ppn): number {
    const machine = this.#machine!;
    if (machine.pageState(vm, ppn) !== PageState.Private) return 0;
    const content = machine.peek(vm, ppn)!;
    if (content === 0) {
      this.#remap!.shareWithFrame(vm, ppn, machine.zeroFrame);
      return 1;
    }
    const salt = this.#salts[vm] ?? this.#saltOf(vm);
    const hash = this.#hash!;
    hash.of(content, salt);
    const { hi, lo } = hash;
    const entry = this.#table.get(hi, lo);
    if (entry === undefined) {
      this.#table.set(hi, lo, hintKey(vm, ppn));
      return 0;
    }
    if (entry >= 0) return this.#matchFrame(vm, ppn, content, salt, hi, lo, entry);
    if (entry === hintKey(vm, ppn)) return 0; // its own hint
    return this.#matchHint(vm, ppn, content, salt, hi, lo, entry);
  }

  /** A shared frame in the table: still shared, of the page's domain and equal (full compare), the page joins it. */
  #matchFrame(vm: VmId, ppn: Ppn, content: number, salt: number, hi: number, lo: number, mpn: Mpn): number {
    const machine = this.#machine!;
    if (machine.frameState(mpn) !== FrameState.Shared) {
      // Its last mapper left: the entry is stale, and this page is the new hint.
      this.#table.set(hi, lo, hintKey(vm, ppn));
      return 0;
    }
    if (machine.frameDomain(mpn) !== salt) {
      this.crossDomainMatches++;
      return 0;
    }
    if (machine.frameContent(mpn) !== content) {
      this.falseMatches++;
      return 0;
    }
    this.#remap!.shareWithFrame(vm, ppn, mpn);
    return 1;
  }

  /**
   * A hint in the table: rehashed (with its own salt), stale it is replaced; of another domain or unequal the
   * page stays unshared; equal, both pages share one frame of their domain.
   */
  #matchHint(vm: VmId, ppn: Ppn, content: number, salt: number, hi: number, lo: number, key: number): number {
    const machine = this.#machine!;
    const hinted = -1 - key;
    const [hvm, hppn] = [keyVm(hinted), keyPpn(hinted)];
    const now = privateContentAt(machine, hinted);
    const hash = this.#hash!;
    const hsalt = this.#salts[hvm]!; // set when the hint was made
    if (now !== undefined) hash.of(now, hsalt);
    if (now === undefined || hash.hi !== hi || hash.lo !== lo) {
      this.staleHints++;
      this.#table.set(hi, lo, hintKey(vm, ppn));
      return 0;
    }
    if (hsalt !== salt) {
      this.crossDomainMatches++;
      return 0;
    }
    if (now !== content) {
      this.falseMatches++;
      return 0;
    }
    this.#table.set(hi, lo, this.#remap!.share(vm, ppn, hvm, hppn, salt));
    return 2;
  }

  /** The VM's salt under the `salting` option, remembered for later pages of the VM. */
  #saltOf(vm: VmId): number {
    const { salting } = this.options;
    const named = salting === 'domains' ? this.#domainOf?.(vm) : undefined;
    const key = salting === 'none' ? undefined : named === undefined ? `vm:${vm}` : `domain:${named}`;
    let salt = 0;
    if (key !== undefined) {
      salt = this.#domains.get(key) ?? this.#domains.size + 1;
      this.#domains.set(key, salt);
    }
    this.#salts[vm] = salt;
    return salt;
  }

  #attached(): SharingAttachment['machine'] {
    return attached(this.#machine, 'content-based');
  }
}

export const contentBased = defineSharingEngine({
  name: 'content-based',
  description:
    'ESX content-based page sharing: random scanning, one hash table of shared frames and hints, full compare before sharing',
  options: contentBasedOptions,
  create: (options, context) =>
    new ContentBasedSharing(options, context.random.split('content-based'), scaleOf(context)),
});
