import type { ContentInterner } from '../content-ids';
import { definer } from '../define';
import type { Ppn, VmId } from '../ids';
import type { MachineView, RemapApi, TrapApi } from '../machine';
import type { Pages, SimTime } from '../units';
import type { CreateContext } from './context';
import type { GuestOs } from './guest-os';

export interface MechanismAttachment {
  readonly machine: MachineView;
  readonly remap: RemapApi;
  /** The guest running in a VM (its balloon driver, its page-state hints), when the VM is powered on. */
  readonly guest: (vm: VmId) => GuestOs | undefined;
  /** The trap API for one VM's pages (access bits for victim selection), when the VM is powered on. */
  readonly traps?: (vm: VmId) => TrapApi;
  /**
   * Share-before-swap: the host's sharing engine tries to share a page about to be paged out; true when it
   * no longer needs a frame of its own, so it need not be written to swap.
   */
  readonly shareBeforeSwap?: (vm: VmId, ppn: Ppn) => boolean;
  /** The real bytes behind content ids, when the host has them (compression compresses them). */
  readonly contents?: ContentInterner;
}

/** Something that takes memory from a VM and gives it back: balloon, host swap, compression, CMM. */
export interface ReclamationMechanism {
  readonly contract: 'reclamation-mechanism@1';
  readonly name: string;
  attach(attachment: MechanismAttachment): void;
  /** Whether it can act on this VM now (a balloon is unavailable while the guest boots). */
  available(vm: VmId): boolean;
  /** Tries to take `pages` from the VM; returns how many it took (or started taking). */
  reclaim(vm: VmId, pages: Pages): Pages;
  /** Gives up to `pages` back; returns how many. */
  release(vm: VmId, pages: Pages): Pages;
}

/** What a reclamation policy sees of one VM. */
export interface VmObservation {
  readonly vm: VmId;
  readonly pages: Pages;
  /** Pages backed by frames (private + shared), plus the frames of its compression cache. */
  readonly allocated: Pages;
  /** The allocation policy's target for it. */
  readonly target: Pages;
  readonly activePages: Pages;
  /** Names of the mechanisms available for it now. */
  readonly mechanisms: readonly string[];
}

export interface HostObservation {
  readonly now: SimTime;
  readonly totalFrames: Pages;
  readonly freeFrames: Pages;
  readonly vms: readonly VmObservation[];
}

/** One step of a plan: take (positive) or give back (negative) pages of a VM through a mechanism. */
export interface ReclamationAction {
  readonly vm: VmId;
  readonly mechanism: string;
  readonly pages: Pages;
}

export interface ReclamationPlan {
  readonly actions: readonly ReclamationAction[];
  /** VMs that must not run until they are back under target (ESX's low state). */
  readonly blocked: readonly VmId[];
  /** The policy's state after this plan (e.g. `high`, `soft`), for metrics. */
  readonly state?: string;
}

/** A pure function from observations to a plan; the kernel applies plans. */
export interface ReclamationPolicy {
  readonly contract: 'reclamation-policy@1';
  readonly name: string;
  plan(observation: HostObservation): ReclamationPlan;
  /**
   * Shares of host memory at which free memory crossing (either way) makes the kernel plan again at once,
   * between its periodic rebalances (ESX: its state thresholds).
   */
  readonly triggers?: readonly number[];
  /**
   * Share of host memory the allocation targets leave free, so that reclaiming down to them lifts free
   * memory out of the reclamation states (ESX: the high threshold). Default 0.
   */
  readonly freeTarget?: number;
  /**
   * Whether the targets divide, beyond machine memory, the frames saved by sharing pages of equal non-zero
   * contents, in the currency of allocations, which count a shared page in every VM that maps it. Default false.
   */
  readonly sharedSavings?: boolean;
  /**
   * The mechanism the kernel pages with when an access finds no free frame (its emergency pager), if the
   * host has it; otherwise the kernel swaps out random pages.
   */
  readonly pager?: string;
}

export const defineReclamationMechanism = definer<
  'reclamation-mechanism@1',
  CreateContext,
  ReclamationMechanism
>('reclamation-mechanism@1');
export const defineReclamationPolicy = definer<'reclamation-policy@1', CreateContext, ReclamationPolicy>(
  'reclamation-policy@1',
);
