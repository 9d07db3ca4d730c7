import type { BlockRead } from '../block-read';
import type { ContentInterner } from '../content-ids';
import { definer } from '../define';
import type { ContentId, Ppn, VmId } from '../ids';
import type { MachineView, RemapApi } from '../machine';
import type { Pages } from '../units';
import type { CreateContext } from './context';
import type { DiskBlock } from './guest-os';

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

/** Finds identical pages and maps them onto one copy-on-write frame. */
export interface SharingEngine {
  readonly contract: 'sharing-engine@1';
  readonly name: string;
  attach(attachment: SharingAttachment): void;
  /**
   * Examines up to `budget` pages — or, for an engine that paces itself by simulated time (KSM), the pages
   * its own rate makes due, which it documents.
   */
  scan(budget: Pages): ScanResult;
  /** Share-before-swap: try to share this page; true when it no longer needs a frame of its own. */
  tryShare?(vm: VmId, ppn: Ppn): boolean;
  /** `GuestHooks.readShared`: the sharing-aware block device the guest asks before a disk read. */
  readShared?(vm: VmId, read: BlockRead): number;
  onDiskRead?(vm: VmId, ppn: Ppn, block: DiskBlock, content: ContentId): void;
  /** `GuestHooks.onCopy`: the guest's copy routine offers its copy; true when the engine mapped it instead. */
  onCopy?(vm: VmId, dst: Ppn, src: Ppn): boolean;
  /**
   * Frames this engine's sharing saved, credited to the VMs that share them (Satori's entitlements): the
   * host charges a VM for its memory less its credit, so a VM that shares nothing is charged as if sharing
   * were off. Credits over all VMs sum to the frames saved.
   */
  entitlement?(vm: VmId): Pages;
  /**
   * Takes back up to `pages` of the VM's surplus through its repayment FIFO: the oldest pages it filled with
   * volatile data are discarded (the guest re-reads them on a discard fault). Returns the pages taken.
   */
  repay?(vm: VmId, pages: Pages): Pages;
}

export const defineSharingEngine = definer<'sharing-engine@1', CreateContext, SharingEngine>(
  'sharing-engine@1',
);
