import type { Machine } from '@hvsim/machine';
import type { CreditsSharers, DemandDetector, Pages, VmId } from '@hvsim/spec';
import type { VmConfig } from './host-config';
import type { VmRunner } from './vm-runner';

/** A VM's place in the host: its runner once powered on. */
export interface VmSlot {
  readonly config: VmConfig;
  runner?: VmRunner;
  detector?: DemandDetector;
  /** The observers' detectors, with the name that sets each one's metric series apart. */
  observers: { readonly label: string; readonly detector: DemandDetector }[];
  /** Why admission control refused to power the VM on, if it did. */
  refused?: string;
  off: boolean;
  lastOps: number;
  lastSlow: number;
  lastSwapIns: number;
  /** The allocation target of the last rebalance. */
  target?: number;
}

/** A VM's detector, then its observers': every one that watches it. */
export function* detectorsOf(slot: VmSlot): Generator<DemandDetector> {
  if (slot.detector) yield slot.detector;
  for (const o of slot.observers) yield o.detector;
}

/** The VM's sharing credit (pages, fractional), 0 when the engine credits no one. */
export const creditOf = (credits: CreditsSharers | undefined, vm: VmId): Pages => credits?.credit(vm) ?? 0;

/**
 * The memory a VM is charged for: the frames behind its pages (a shared one counted per mapper) and its
 * compression cache's, less the whole pages of credit its sharing earned, when the engine credits sharers
 * (Satori): frames saved are the sharers' memory, not the host's.
 */
export function chargedPages(machine: Machine, vm: VmId, credit: Pages): Pages {
  const p = machine.pagePartition(vm);
  return p.private + p.shared + machine.compressionFrames(vm) - Math.floor(credit);
}
