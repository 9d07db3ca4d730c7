import { definer } from '../define';
import type { Ppn, VmId } from '../ids';
import type { MachineView, TrapApi } from '../machine';
import type { MissRatioCurve } from '../mrc';
import type { Pages, SimTime } from '../units';
import type { CreateContext } from './context';

export interface DemandEstimate {
  /** Pages the VM is estimated to be actively using. */
  readonly activePages: Pages;
  /** Where the detector can tell: misses as a function of memory size. */
  readonly missRatioCurve?: MissRatioCurve;
}

export interface DetectorAttachment {
  readonly vm: VmId;
  readonly machine: MachineView;
  readonly traps: TrapApi;
}

/** Measures one VM's memory demand through the trap API and views of the machine. */
export interface DemandDetector {
  readonly contract: 'detector@1';
  readonly name: string;
  attach(attachment: DetectorAttachment): void;
  /** Called as the VM's execution time advances (sampling periods are in VM time). */
  tick(vmTime: SimTime): void;
  estimate(): DemandEstimate;
  /**
   * Pages whose access the detector has checked since it attached (traps armed, access bits read): its
   * overhead, comparable across detectors.
   */
  readonly checks?: number;
  /** The guest wrote page `ppn` to its swap slot `slot` (the host sees the guest's swap I/O). */
  onGuestSwapOut?(ppn: Ppn, slot: number): void;
  /** The guest is reading swap slot `slot` into page `ppn`; the page's own access follows. */
  onGuestSwapIn?(ppn: Ppn, slot: number): void;
  /** Disarms its traps and releases its channel. */
  detach(): void;
}

export const defineDetector = definer<'detector@1', CreateContext, DemandDetector>('detector@1');
