import { ContentStore, createMachine, type Machine } from '@hvsim/machine';
import {
  type CreateContext,
  createRandom,
  creditsSharers,
  fractionalRate,
  type GuestOs,
  HvsimError,
  type MetricsTable,
  type RandomStream,
  type ReclamationMechanism,
  type SharingEngine,
  type SimEvent,
  type SimTime,
  sharesBeforeSwap,
  time,
  type VmId,
} from '@hvsim/spec';
import { admissionPlan, type PowerStep } from './admission-plan';
import { emergencyPager } from './emergency-pager';
import type { HostConfig, RunStats, VmConfig } from './host-config';
import { InvariantChecks } from './invariant-checks';
import { MetricsRecorder } from './metrics-recorder';
import { MetricsSampler } from './metrics-sampler';
import { fullSizeVmEvent, miniatureConfig, scaleOfConfig } from './miniature';
import { DEFAULT_PERIODS, nullAllocation, nullReclamation } from './policies';
import { Rebalancer } from './rebalancer';
import { type PeriodicTask, Scheduler } from './scheduler';
import { SharedTraps } from './shared-traps';
import { type HostParts, powerOff, powerOn } from './vm-lifecycle';
import { detectorsOf, type VmSlot } from './vm-slot';

/**
 * The simulation kernel: it owns host time, runs each VM's workload through its guest in quanta on its own
 * clock, powers VMs on (with admission control) and off, fires periodic tasks, records metrics and an event
 * log, and checks the machine's invariants in debug mode. Policies plug into later slots of this kernel.
 */
export class Host {
  readonly machine: Machine;
  /** Real page contents of the run (from files and disk images), shared by every VM. */
  readonly contents: ContentStore;
  readonly events: SimEvent[] = [];
  /** Where every factory and the machine log their events. */
  readonly #sink = (event: SimEvent) => this.events.push(event);
  readonly #slots: VmSlot[];
  readonly #scheduler = new Scheduler();
  readonly #metrics = new MetricsRecorder();
  readonly #sampler: MetricsSampler;
  readonly #rebalancer: Rebalancer;
  /** One simulated page or op stands for this many (a miniature's scale; 1 at full size). */
  readonly scale: number;
  readonly #random;
  readonly #quantum: SimTime;
  readonly #sharing: SharingEngine | undefined;
  /** What powering a VM on takes from the host. */
  readonly #parts: HostParts;
  /** Power-ons, power-offs and refusals, decided before the run; the next one due is at `#nextStep`. */
  readonly #plan: readonly PowerStep[];
  #nextStep = 0;
  /** The invariant checks, only when the configuration asks for them. */
  readonly #checks: InvariantChecks | undefined;
  #now: SimTime = 0;

  constructor(full: HostConfig) {
    const scale = scaleOfConfig(full);
    this.scale = scale;
    const config = miniatureConfig(full, scale);
    this.#plan = admissionPlan(config);
    this.#random = createRandom(config.seed);
    this.#quantum = config.quantum ?? time.ms(10);
    const emit = this.#sink;
    // The log says a miniature is one, first; the machine's VM sizes in it are scaled back as metrics are.
    if (scale > 1) emit({ time: 0, source: 'host', kind: 'miniature', data: { scale } });
    this.contents = new ContentStore();
    this.machine = createMachine({
      contentStore: this.contents,
      frames: config.frames,
      reservedFrames: config.reservedFrames ?? 0,
      swapSlots: config.swapPages ?? 0,
      ...(config.costs === undefined ? {} : { costs: config.costs }),
      scale,
      emit: scale === 1 ? emit : (event) => emit(fullSizeVmEvent(event, scale)),
      reclaimer: emergencyPager(this.#random.split('host/emergency-pager'), () => {
        const pager = this.#rebalancer.reclamation.pager;
        return pager === undefined ? undefined : this.#rebalancer.mechanisms.get(pager);
      }),
    });
    const traps = new SharedTraps(this.machine.traps);
    this.#checks = config.checkInvariants
      ? new InvariantChecks(this.machine, () => this.#running().map((slot) => slot.runner!.guest))
      : undefined;
    const names = new Set<string>();
    this.#slots = config.vms.map((vm, i) => {
      if (names.has(vm.name)) {
        throw new HvsimError(
          'duplicate-vm',
          `two VMs are named ${JSON.stringify(vm.name)}`,
          `vms[${i}].name`,
        );
      }
      names.add(vm.name);
      return { config: vm, observers: [], off: false, lastOps: 0, lastSlow: 0, lastSwapIns: 0 };
    });
    const policies = config.policies ?? {};
    const periods = { ...DEFAULT_PERIODS, ...config.periods };
    const context = (name: string) => this.#context(this.#random, `policy:${name}`);
    const allocation = policies.allocation
      ? policies.allocation.definition.create(policies.allocation.options, context('allocation'))
      : nullAllocation;
    const reclamation = policies.reclamation
      ? policies.reclamation.definition.create(policies.reclamation.options, context('reclamation'))
      : nullReclamation;
    const mechanisms = new Map<string, ReclamationMechanism>();
    for (const use of policies.mechanisms ?? []) {
      const mechanism = use.definition.create(use.options, context(`mechanism:${use.definition.name}`));
      mechanism.attach({
        machine: this.machine,
        remap: this.machine,
        guest: (vm) => this.#slotOf(vm)?.runner?.guest,
        traps: (vm) => traps.forVm(vm, this.machine.pageCount(vm), `mechanism:${mechanism.name}`),
        shareBeforeSwap: (vm, ppn) => {
          const sharing = this.#sharing;
          return sharing !== undefined && sharesBeforeSwap(sharing) && sharing.tryShare(vm, ppn);
        },
        contents: this.contents,
      });
      mechanisms.set(mechanism.name, mechanism);
    }
    this.#sharing = policies.sharing?.definition.create(policies.sharing.options, context('sharing'));
    const credits = this.#sharing && creditsSharers(this.#sharing) ? this.#sharing : undefined;
    this.#sharing?.attach({
      machine: this.machine,
      remap: this.machine,
      contents: this.contents,
      domainOf: (vm) => this.#slotOf(vm)?.config.shareDomain,
    });
    this.#rebalancer = new Rebalancer(this.machine, allocation, reclamation, mechanisms, credits, (data) =>
      this.#emit('state-change', undefined, data),
    );
    const interval = config.metricInterval ?? time.s(1);
    this.#sampler = new MetricsSampler(this.#metrics, this.machine, interval, scale, credits);
    this.#parts = {
      machine: this.machine,
      contents: this.contents,
      sharing: this.#sharing,
      traps,
      sink: this.#sink,
      scale,
      baseDir: config.baseDir,
      context: (random, stream) => this.#context(random, stream),
    };
    this.#scheduler.every(
      { name: 'metrics', period: interval, run: (t) => this.#sampler.sample(t, this.#running()) },
      0,
    );
    this.#scheduler.every(
      {
        name: 'rebalance',
        period: periods.rebalance,
        run: (t) => this.#rebalancer.rebalance(t, this.#running()),
      },
      0,
    );
    const sharing = this.#sharing;
    if (sharing) {
      // A miniature's budget may be a fraction of a page per scan: carried over, it is exact over the run.
      const budget = fractionalRate(periods.shareBudget);
      this.#scheduler.every(
        { name: 'share-scan', period: periods.shareScan, run: () => sharing.scan(budget()) },
        0,
      );
    }
    this.#applyPowerSteps();
    this.#sampler.sample(0, this.#running());
  }

  get now(): SimTime {
    return this.#now;
  }

  /** The host's page-sharing engine, when it has one (its counters say what it did). */
  get sharing(): SharingEngine | undefined {
    return this.#sharing;
  }

  /**
   * Runs the host until host time `until`, calling `onProgress` after every quantum. With `checkInvariants`,
   * the invariants are checked after each VM's quantum and after the host's steps that follow.
   *
   * When `onProgress` returns `false` the run pauses there, at the end of a quantum; running on from there
   * is the same run as one never paused (a live view pauses to serve its page, `hvsim run --live`).
   */
  run(until: SimTime, onProgress?: (now: SimTime) => unknown): void {
    const checks = this.#checks;
    const noteTask = checks && ((task: PeriodicTask) => checks.noteTask(task.name));
    while (this.#now < until) {
      // A quantum ends early where a VM powers on or off, so each does so at its own time, as planned.
      const next = Math.min(
        this.#now + this.#quantum,
        until,
        this.#scheduler.next,
        this.#plan[this.#nextStep]?.time ?? Number.POSITIVE_INFINITY,
      );
      const running = this.#running();
      for (const slot of running) {
        try {
          slot.runner!.runUntil(next);
        } catch (error) {
          throw badWorkload(slot.config, error);
        }
        checks?.afterQuantum(slot.config.name, slot.runner!.guest, next);
      }
      this.machine.advanceTo(next);
      this.#now = next;
      for (const slot of running) {
        const vmTime = this.machine.vmTime(slot.runner!.vm);
        for (const detector of detectorsOf(slot)) detector.tick(vmTime);
      }
      this.#scheduler.runDue(next, noteTask);
      this.#rebalancer.onCrossing(next, this.#running());
      this.#applyPowerSteps();
      checks?.afterHostSteps(next);
      if (onProgress?.(next) === false) return;
    }
  }

  metrics(): MetricsTable {
    const table = this.#metrics.table();
    return this.scale === 1 ? table : { ...table, scale: this.scale };
  }

  stats(): RunStats {
    const vms = this.#slots.map((slot) => ({
      name: slot.config.name,
      ops: (slot.runner?.guest.counters().ops ?? 0) * this.scale,
      poweredOn: slot.runner !== undefined && !slot.off,
      finished: slot.runner?.finished ?? false,
      ...(slot.refused === undefined ? {} : { refused: slot.refused }),
    }));
    return {
      simulatedTime: this.#now,
      scale: this.scale,
      ops: vms.reduce((sum, vm) => sum + vm.ops, 0),
      freePages: this.machine.freeFrames * this.scale,
      swapUsedPages: this.machine.usedSwapSlots * this.scale,
      vms,
    };
  }

  /** The VM's guest, once powered on. */
  guest(name: string): GuestOs | undefined {
    return this.#slots.find((s) => s.config.name === name)?.runner?.guest;
  }

  vmId(name: string): VmId | undefined {
    return this.#slots.find((s) => s.config.name === name)?.runner?.vm;
  }

  #slotOf(vm: VmId): VmSlot | undefined {
    return this.#running().find((s) => s.runner!.vm === vm);
  }

  /** What every factory is made with: a stream split off `random`, the event log, the scale. */
  #context(random: RandomStream, stream: string): CreateContext {
    return { random: random.split(stream), emit: this.#sink, scale: this.scale };
  }

  /** Slots of the VMs powered on now. */
  #running(): VmSlot[] {
    return this.#slots.filter((s) => s.runner !== undefined && !s.off);
  }

  #emit(kind: string, vm: VmId | undefined, data?: Record<string, number | string | boolean>): void {
    this.events.push({
      time: this.#now,
      source: 'host',
      kind,
      ...(vm === undefined ? {} : { vm }),
      ...(data === undefined ? {} : { data }),
    });
  }

  /** Powers VMs on and off, and refuses them, as the admission plan says, up to now. */
  #applyPowerSteps(): void {
    for (
      let step = this.#plan[this.#nextStep];
      step && step.time <= this.#now;
      step = this.#plan[++this.#nextStep]
    ) {
      const slot = this.#slots[step.vm]!;
      if (step.action === 'power-on') {
        powerOn(this.#parts, slot, this.#random, this.#now);
        this.#emit('power-on', slot.runner!.vm, { name: slot.config.name });
      } else if (step.action === 'power-off') {
        powerOff(this.machine, slot);
        this.#emit('power-off', slot.runner!.vm, { name: slot.config.name });
      } else {
        slot.refused = step.reason;
        this.#emit('admission-refused', undefined, { name: slot.config.name, reason: step.reason });
      }
    }
  }
}

/** Creates a host from its configuration; VMs due at time 0 power on at once. */
export const createHost = (config: HostConfig): Host => new Host(config);

/**
 * A workload that names a page or block its guest does not have (a size in its options beyond the VM's
 * virtual memory or disk) stops the run: the error says which VM and which workload, and what to change.
 */
function badWorkload(config: VmConfig, error: unknown): unknown {
  if (!(error instanceof HvsimError) || error.code !== 'invalid-op') return error;
  return new HvsimError(
    'invalid-op',
    `its ${config.workload.definition.name} workload names ${error.reason}: ` +
      "a size in the workload's options is larger than the guest's virtual memory (its addressSpace, twice the VM by default) or disk",
    `vm ${JSON.stringify(config.name)}`,
  );
}
