import type { VmId } from './ids';
import type { SimTime } from './units';

/** A value an event carries: flat, so the event log serialises the same way every run. */
export type EventValue = number | string | boolean;

/**
 * One entry of the event log: something that changed the simulation's course (a VM powered on, a state
 * crossing, a balloon target set, an admission refused). Per-access facts are counters, never events.
 */
export interface SimEvent {
  /** Host simulated time of the event. */
  readonly time: SimTime;
  /** The component that emitted it, e.g. `machine`, `reclaim/states`. */
  readonly source: string;
  /** What happened, kebab-case, e.g. `vm-added`, `state-change`. */
  readonly kind: string;
  readonly vm?: VmId;
  readonly data?: Readonly<Record<string, EventValue>>;
}

/** Anything that receives events: the kernel's log, a test's array, a trace writer. */
export type EventSink = (event: SimEvent) => void;
