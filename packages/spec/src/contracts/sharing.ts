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
  onDiskRead?(vm: VmId, ppn: Ppn, block: DiskBlock, content: ContentId): void;
  onCopy?(vm: VmId, dst: Ppn, src: Ppn): void;
  onCowFault?(vm: VmId, ppn: Ppn): void;
}

export const defineSharingEngine = definer<'sharing-engine@1', CreateContext, SharingEngine>(
  'sharing-engine@1',
);
