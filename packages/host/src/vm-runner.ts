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

/** Ops per batch when the VM is running smoothly, and when a batch overran its quantum (faults, disk I/O). */
const LARGE_BATCH = 4096;
const SMALL_BATCH = 64;

/**
 * Runs one VM's workload through its guest in batches until the VM's own clock reaches a target. A VM that is
 * blocked, or whose workload has finished, idles: its clock advances without memory work, so every VM keeps
 * pace with the host clock.
 */
export class VmRunner {
  readonly #large: OpBatch = createOpBatch(LARGE_BATCH);
  readonly #small: OpBatch = createOpBatch(SMALL_BATCH);
  #useSmall = false;
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
  ) {}

  get finished(): boolean {
    return this.#finished;
  }

  /** The VM's clock as host time. */
  get clock(): SimTime {
    return this.poweredOnAt + this.machine.vmTime(this.vm);
  }

  /** Runs until the VM's clock reaches host time `until`; a batch overrunning `quantum` makes batches small. */
  runUntil(until: SimTime, quantum: SimTime): void {
    for (let now = this.clock; now < until; now = this.clock) {
      if (this.blocked || this.#finished) {
        this.bus.charge(this.vm, until - now);
        return;
      }
      const batch = this.#useSmall ? this.#small : this.#large;
      const vmTime = this.machine.vmTime(this.vm);
      if (this.workload.fill(batch, vmTime) === 0) {
        this.#finished = true;
        this.emit({ time: now, source: 'host', kind: 'workload-finished', vm: this.vm });
        continue;
      }
      this.guest.execute(batch);
      this.#useSmall = this.machine.vmTime(this.vm) - vmTime > quantum;
    }
  }
}
