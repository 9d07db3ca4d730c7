import type { CostModel } from '@hvsim/machine';
import type {
  CreateContext,
  DemandDetector,
  GuestContext,
  GuestOs,
  Pages,
  SimTime,
  Workload,
  WorkloadContext,
} from '@hvsim/spec';
import type { HostPeriods, HostPolicies } from './policies';
import type { Use } from './use';

/** A VM as the host is given it: its size, share, guest, workload, detectors and schedule. */
export interface VmConfig {
  readonly name: string;
  /** Configured memory (the VM's max), in pages. */
  readonly pages: Pages;
  /** Memory the VM is guaranteed (admission reserves it). Default 0. */
  readonly min?: Pages;
  readonly shares?: number;
  /** Frames the VM costs the hypervisor. Default 0. */
  readonly overheadPages?: Pages;
  readonly guest: Use<'guest-os@1', GuestContext, GuestOs>;
  readonly workload: Use<'workload@1', WorkloadContext, Workload>;
  /** The VM's demand detector: its estimate is what the allocation policy sees. */
  readonly detector?: Use<'detector@1', CreateContext, DemandDetector>;
  /**
   * More detectors that only watch, each recorded as `active-estimate:<name>` and `detector-checks:<name>`
   * (with `#2`, `#3`… for repeats), so detectors can be compared on one run (an `oracle` gives the truth).
   */
  readonly observers?: readonly Use<'detector@1', CreateContext, DemandDetector>[];
  /** The trust domain the VM's pages may be shared in, for a sharing engine that salts (see SharingAttachment). */
  readonly shareDomain?: string;
  /** Host time the VM powers on (default 0) and off (default: never). */
  readonly powerOn?: SimTime;
  readonly powerOff?: SimTime;
}

export interface HostConfig {
  /** Host memory in frames. */
  readonly frames: Pages;
  readonly reservedFrames?: Pages;
  /** Host swap in pages. */
  readonly swapPages?: Pages;
  readonly costs?: Partial<CostModel>;
  readonly seed: number;
  readonly vms: readonly VmConfig[];
  /** Host time a VM runs before the others get their turn (default 10 ms). */
  readonly quantum?: SimTime;
  /** Sample period of the metrics (default 1 s). */
  readonly metricInterval?: SimTime;
  /**
   * Check the machine's and the guests' invariants after each VM's quantum and after the host's steps between
   * quanta (slow: for tests, and for holding plugins to the invariants); a breach throws InvariantCheckFailed.
   */
  readonly checkInvariants?: boolean;
  /** Allocation, reclamation and sharing; an empty slot runs its null implementation. */
  readonly policies?: HostPolicies;
  readonly periods?: Partial<HostPeriods>;
  /** Where relative file paths in workload options start (see WorkloadContext); default the working directory. */
  readonly baseDir?: string;
  /**
   * Simulate a miniature at this scale (default 1, full size): one page stands for `scale` pages. Sizes here
   * are the full host's; the host divides them, every factory scales its own options, and metrics and stats
   * are scaled back, so they read as the full host's (see `miniature.ts`).
   */
  readonly scale?: number;
}

/** Totals of a run, for summaries; counts are the full host's in a miniature (scaled back). */
export interface RunStats {
  readonly simulatedTime: SimTime;
  /** The miniature's scale (1: full size). */
  readonly scale: number;
  /** Guest memory operations (workload ops) completed on every VM. */
  readonly ops: number;
  /** Host memory free, and host swap in use, at the end. */
  readonly freePages: Pages;
  readonly swapUsedPages: Pages;
  readonly vms: readonly {
    readonly name: string;
    readonly ops: number;
    readonly poweredOn: boolean;
    readonly finished: boolean;
    /** Why admission control refused to power the VM on, if it did. */
    readonly refused?: string;
  }[];
}
