import type { ContentInterner } from '../content-ids';
import { definer } from '../define';
import type { Ppn, VmId } from '../ids';
import type { MachineView, RemapApi } from '../machine';
import type { Pages } from '../units';
import type { CreateContext } from './context';
import type { VirtualDisk } from './virtual-disk';

export interface SharingAttachment {
  readonly machine: MachineView;
  readonly remap: RemapApi;
  /** The real bytes behind content ids, when the host has them (an engine hashes them). */
  readonly contents?: ContentInterner;
  /**
   * The trust domain a VM's pages may be shared in (its salt), when the host configured one. An engine that
   * salts shares a page only with pages of its own domain, as ESXi's `sched.mem.pshare.salt` does.
   */
  readonly domainOf?: (vm: VmId) => string | undefined;
}

export interface ScanResult {
  /** Pages examined. */
  readonly scanned: Pages;
  /** Pages newly mapped onto a shared frame. */
  readonly shared: Pages;
}

/**
 * Finds identical pages and maps them onto one copy-on-write frame. What only some engines do is a
 * capability of its own below, which the host detects (`sharesBeforeSwap`, …) and wires where it belongs.
 */
export interface SharingEngine {
  readonly contract: 'sharing-engine@1';
  readonly name: string;
  attach(attachment: SharingAttachment): void;
  /**
   * Examines up to `budget` pages — or, for an engine that paces itself by simulated time (KSM), the pages
   * its own rate makes due, which it documents.
   */
  scan(budget: Pages): ScanResult;
}

/** Share-before-swap (ESX): the host's pager asks the engine to share a page before paging it out. */
export interface SharesBeforeSwap {
  /** Tries to share this page; true when it no longer needs a frame of its own. */
  tryShare(vm: VmId, ppn: Ppn): boolean;
}

/**
 * An engine that acts on the VMs' virtual disks (Satori's sharing-aware block device, Disco's copy-on-write
 * disk): the host puts its layer over each VM's disk.
 */
export interface SharesDiskReads {
  /** The VM's disk with this engine's layer over `below`. */
  diskLayer(vm: VmId, below: VirtualDisk): VirtualDisk;
}

/** An engine behind the guests' copy routine (Disco's hooked bcopy): whole-page copies become mappings. */
export interface SharesCopies {
  /** See PageCopier: true when `dst` was mapped copy-on-write onto the frame of `src` instead of a copy. */
  copyPage(vm: VmId, dst: Ppn, src: Ppn): boolean;
}

/**
 * An engine whose savings belong to the VMs that share (Satori's entitlements): the host charges a VM for
 * its memory less its whole pages of credit, so a VM that shares nothing is charged as if sharing were off.
 */
export interface CreditsSharers {
  /** The VM's credit in pages (fractional); credits over all VMs sum to the frames this engine saved. */
  credit(vm: VmId): Pages;
  /**
   * At each rebalance, before the reclamation policy plans: a VM whose whole credit fell since the last
   * rebalance (its writes broke shares) gives the fall back, as far as `over` (its pages over its target),
   * from its own memory. Returns the pages it gave; the policy reclaims the rest as usual.
   */
  settle(vm: VmId, over: Pages): Pages;
}

export const sharesBeforeSwap = (e: SharingEngine): e is SharingEngine & SharesBeforeSwap =>
  typeof (e as Partial<SharesBeforeSwap>).tryShare === 'function';
export const sharesDiskReads = (e: SharingEngine): e is SharingEngine & SharesDiskReads =>
  typeof (e as Partial<SharesDiskReads>).diskLayer === 'function';
export const sharesCopies = (e: SharingEngine): e is SharingEngine & SharesCopies =>
  typeof (e as Partial<SharesCopies>).copyPage === 'function';
export const creditsSharers = (e: SharingEngine): e is SharingEngine & CreditsSharers =>
  typeof (e as Partial<CreditsSharers>).credit === 'function' &&
  typeof (e as Partial<CreditsSharers>).settle === 'function';

export const defineSharingEngine = definer<'sharing-engine@1', CreateContext, SharingEngine>(
  'sharing-engine@1',
);
