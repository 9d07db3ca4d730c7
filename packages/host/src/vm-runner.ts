import {
  createOpBatch,
  type EventSink,
  type GuestOs,
  type MachineView,
  type MemoryBus,
  type OpBatch,
  type SimTime,
  type VmId,
  type Workload,
} from '@hvsim/spec';

/** Ops per batch the workload fills at a time, at full size. */
const BATCH = 4096;

/**
 * Ops per batch at `scale`: a miniature's ops each stand for `scale`, so its batches hold 1/scale as many
 * and a workload refills as often in simulated time as at full size (a growing heap's frontier, a phase's
 * end, are seen when they are due, not a batch of R-times-longer ops later).
 */
const batchOps = (scale: number) => Math.max(1, Math.round(BATCH / scale));

/**
 * Runs one VM's workload through its guest until the VM's own clock reaches a target. The guest stops in the
 * middle of a batch when a fault or disk access carries the clock past the target; the rest of the batch runs
 * next time. A VM that is blocked, or whose workload has finished, idles: its clock advances without memory
 * work, so every VM keeps pace with the host clock.
 */
export class VmRunner {
  readonly #batch: OpBatch;
  /** Next op of the current batch to run (the batch is used up when it reaches its length). */
  #cursor = 0;
  #finished = false;
  blocked = false;

  constructor(
    readonly vm: VmId,
    readonly name: string,
    readonly guest: GuestOs,
    readonly workload: Workload,
    /** Host time at power-on: the VM's clock counts from here. */
    readonly poweredOnAt: SimTime,
    private readonly machine: MachineView,
    private readonly bus: MemoryBus,
    private readonly emit: EventSink,
    options: { readonly scale?: number } = {},
  ) {
    this.#batch = createOpBatch(batchOps(options.scale ?? 1));
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The VM's clock as host time. */
  get clock(): SimTime {
    return this.poweredOnAt + this.machine.vmTime(this.vm);
  }

  /** Runs until the VM's clock reaches host time `until`. */
  runUntil(until: SimTime): void {
    const batch = this.#batch;
    const deadline = until - this.poweredOnAt;
    for (let now = this.clock; now < until; now = this.clock) {
      if (this.blocked || this.#finished) {
        this.bus.charge(this.vm, until - now);
        return;
      }
      if (this.#cursor >= batch.length) {
        this.#cursor = 0;
        if (this.workload.fill(batch, this.machine.vmTime(this.vm)) === 0) {
          this.#finished = true;
          this.emit({ time: now, source: 'host', kind: 'workload-finished', vm: this.vm });
          continue;
        }
      }
      this.#cursor = this.guest.execute(batch, this.#cursor, deadline);
    }
  }
}
