import { ContentStore, createMachine, type Machine } from '@hvsim/machine';
import {
  type AllocationPolicy,
  type CreateContext,
  type CreditsSharers,
  createRandom,
  creditsSharers,
  type DemandDetector,
  fractionalRate,
  type GuestOs,
  HvsimError,
  type MetricsTable,
  type Pages,
  plainDisk,
  type RandomStream,
  type ReclamationMechanism,
  type ReclamationPolicy,
  type SharingEngine,
  type SimEvent,
  type SimTime,
  sharesBeforeSwap,
  sharesCopies,
  sharesDiskReads,
  time,
  type VmId,
  type Workload,
} from '@hvsim/spec';
import { admissionPlan, type PowerStep } from './admission-plan';
import { emergencyPager } from './emergency-pager';
import type { HostConfig, RunStats, VmConfig } from './host-config';
import { InvariantChecks } from './invariant-checks';
import { MetricsRecorder } from './metrics-recorder';
import { miniatureConfig, scaleOfConfig } from './miniature';
import { DEFAULT_PERIODS, nullAllocation, nullReclamation } from './policies';
import { type PeriodicTask, Scheduler } from './scheduler';
import { SharedTraps } from './shared-traps';
import { swapMonitor } from './swap-monitor';
import { VmRunner } from './vm-runner';

/** A VM's place in the host: its runner once powered on. */
interface VmSlot {
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
function* detectorsOf(slot: VmSlot): Generator<DemandDetector> {
  if (slot.detector) yield slot.detector;
  for (const o of slot.observers) yield o.detector;
}

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
  /** The configuration as simulated: a miniature's, when `scale` is above 1. */
  readonly #config: HostConfig;
  /** One simulated page or op stands for this many (a miniature's scale; 1 at full size). */
  readonly scale: number;
  readonly #random;
  readonly #quantum: SimTime;
  readonly #interval: SimTime;
  readonly #allocation: AllocationPolicy;
  readonly #reclamation: ReclamationPolicy;
  readonly #mechanisms = new Map<string, ReclamationMechanism>();
  readonly #sharing: SharingEngine | undefined;
  /** The sharing engine, when it credits its savings to the sharers (Satori). */
  readonly #credits: CreditsSharers | undefined;
  /** Trap channels shared by the VMs' observers, so eight VMs' detectors fit in the machine's trap bits. */
  readonly #traps: SharedTraps;
  /** Power-ons, power-offs and refusals, decided before the run; the next one due is at `#nextStep`. */
  readonly #plan: readonly PowerStep[];
  #nextStep = 0;
  /** The invariant checks, only when the configuration asks for them. */
  readonly #checks: InvariantChecks | undefined;
  #now: SimTime = 0;
  /** Free memory, as a share of the host's, when the run loop last looked: to see a trigger crossed. */
  #lastFree = 1;
  #state: string | undefined;

  constructor(full: HostConfig) {
    const scale = scaleOfConfig(full);
    this.scale = scale;
    const config = miniatureConfig(full, scale);
    this.#config = config;
    this.#plan = admissionPlan(config);
    this.#random = createRandom(config.seed);
    this.#quantum = config.quantum ?? time.ms(10);
    this.#interval = config.metricInterval ?? time.s(1);
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
        const pager = this.#reclamation.pager;
        return pager === undefined ? undefined : this.#mechanisms.get(pager);
      }),
    });
    this.#traps = new SharedTraps(this.machine.traps);
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
    this.#allocation = policies.allocation
      ? policies.allocation.definition.create(policies.allocation.options, context('allocation'))
      : nullAllocation;
    this.#reclamation = policies.reclamation
      ? policies.reclamation.definition.create(policies.reclamation.options, context('reclamation'))
      : nullReclamation;
    for (const use of policies.mechanisms ?? []) {
      const mechanism = use.definition.create(use.options, context(`mechanism:${use.definition.name}`));
      mechanism.attach({
        machine: this.machine,
        remap: this.machine,
        guest: (vm) => this.#slotOf(vm)?.runner?.guest,
        traps: (vm) => this.#traps.forVm(vm, this.machine.pageCount(vm), `mechanism:${mechanism.name}`),
        shareBeforeSwap: (vm, ppn) => {
          const sharing = this.#sharing;
          return sharing !== undefined && sharesBeforeSwap(sharing) && sharing.tryShare(vm, ppn);
        },
        contents: this.contents,
      });
      this.#mechanisms.set(mechanism.name, mechanism);
    }
    this.#sharing = policies.sharing?.definition.create(policies.sharing.options, context('sharing'));
    this.#credits = this.#sharing && creditsSharers(this.#sharing) ? this.#sharing : undefined;
    this.#sharing?.attach({
      machine: this.machine,
      remap: this.machine,
      contents: this.contents,
      domainOf: (vm) => this.#slotOf(vm)?.config.shareDomain,
    });
    this.#scheduler.every({ name: 'metrics', period: this.#interval, run: (t) => this.#sample(t) }, 0);
    this.#scheduler.every(
      { name: 'rebalance', period: periods.rebalance, run: (t) => this.#rebalance(t) },
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
    this.#sample(0);
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
   */
  run(until: SimTime, onProgress?: (now: SimTime) => void): void {
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
      this.#rebalanceOnCrossing(next);
      this.#applyPowerSteps();
      checks?.afterHostSteps(next);
      onProgress?.(next);
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

  /** Rebalances at once when free memory has crossed one of the reclamation policy's triggers. */
  #rebalanceOnCrossing(now: SimTime): void {
    const triggers = this.#reclamation.triggers;
    if (!triggers) return;
    const free = this.machine.freeFrames / this.machine.totalFrames;
    const before = this.#lastFree;
    this.#lastFree = free;
    if (triggers.some((t) => before < t !== free < t)) this.#rebalance(now);
  }

  /**
   * Rebalancing: targets from the allocation policy, a plan from the reclamation policy, applied through the
   * named mechanisms; the plan's blocked VMs do not run until the next plan.
   */
  #rebalance(now: SimTime): void {
    const machine = this.machine;
    const running = this.#running();
    const overhead = running.reduce((sum, s) => sum + (s.config.overheadPages ?? 0), 0);
    const views = running.map((slot) => {
      const credit = this.#credit(slot.runner!.vm);
      const allocated = this.#held(slot.runner!.vm, credit);
      const estimate = slot.detector?.estimate();
      return {
        slot,
        credit,
        allocated,
        active: estimate?.activePages ?? allocated,
        curve: estimate?.missRatioCurve,
      };
    });
    // Targets leave what the reclamation policy wants free, but never less than the minimums admitted.
    const keptFree = Math.ceil((this.#reclamation.freeTarget ?? 0) * machine.totalFrames);
    const minimums = running.reduce((sum, s) => sum + (s.config.min ?? 0), 0);
    const targets = this.#allocation.targets({
      now,
      available: Math.max(minimums, machine.totalFrames - machine.reservedFrames - 1 - overhead - keptFree),
      vms: views.map(({ slot, allocated, active, curve }) => ({
        min: slot.config.min ?? 0,
        max: slot.config.pages,
        shares: slot.config.shares ?? 1,
        activePages: active,
        allocated,
        ...(curve === undefined ? {} : { missRatioCurve: curve }),
      })),
    });
    const plan = this.#reclamation.plan({
      now,
      totalFrames: machine.totalFrames,
      freeFrames: machine.freeFrames,
      vms: views.map(({ slot, allocated, active }, i) => {
        const vm = slot.runner!.vm;
        slot.target = targets[i]!;
        return {
          vm,
          pages: slot.config.pages,
          // Satori's repayment comes first; the policy reclaims the rest as usual.
          allocated: allocated - (this.#credits?.settle(vm, allocated - targets[i]!) ?? 0),
          target: targets[i]!,
          activePages: active,
          mechanisms: [...this.#mechanisms.values()].filter((m) => m.available(vm)).map((m) => m.name),
        };
      }),
    });
    for (const action of plan.actions) {
      const mechanism = this.#mechanisms.get(action.mechanism);
      if (!mechanism) {
        throw new HvsimError(
          'unknown-mechanism',
          `${this.#reclamation.name} planned with ${JSON.stringify(action.mechanism)}, which the host does not have; it has: ${[...this.#mechanisms.keys()].join(', ') || '(none)'}`,
          'policies.mechanisms',
        );
      }
      if (action.pages > 0) mechanism.reclaim(action.vm, action.pages);
      else if (action.pages < 0) mechanism.release(action.vm, -action.pages);
    }
    for (const { slot } of views) slot.runner!.blocked = plan.blocked.includes(slot.runner!.vm);
    if (plan.state !== undefined && plan.state !== this.#state) {
      this.#emit('state-change', undefined, { from: this.#state ?? 'none', to: plan.state });
      this.#state = plan.state;
    }
  }

  /**
   * The memory a VM is charged for: the frames behind its pages (a shared one counted per mapper) and its
   * compression cache's, less the whole pages of credit its sharing earned, when the engine credits sharers
   * (Satori): frames saved are the sharers' memory, not the host's.
   */
  #held(vm: VmId, credit: Pages): Pages {
    const p = this.machine.pagePartition(vm);
    return p.private + p.shared + this.machine.compressionFrames(vm) - Math.floor(credit);
  }

  /** The VM's sharing credit (pages, fractional), 0 when the engine credits no one. */
  #credit(vm: VmId): Pages {
    return this.#credits?.credit(vm) ?? 0;
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
        slot.runner = this.#powerOn(slot.config);
        this.#emit('power-on', slot.runner.vm, { name: slot.config.name });
      } else if (step.action === 'power-off') {
        for (const detector of detectorsOf(slot)) detector.detach();
        this.machine.removeVm(slot.runner!.vm);
        slot.off = true;
        this.#emit('power-off', slot.runner!.vm, { name: slot.config.name });
      } else {
        slot.refused = step.reason;
        this.#emit('admission-refused', undefined, { name: slot.config.name, reason: step.reason });
      }
    }
  }

  #powerOn(config: VmConfig): VmRunner {
    const machine = this.machine;
    const vm = machine.addVm({
      name: config.name,
      pages: config.pages,
      overheadFrames: config.overheadPages ?? 0,
    });
    const random = this.#random.split(`vm:${config.name}`);
    const slot = this.#slots.find((s) => s.config === config)!;
    // The VM's disk, bottom up: the disk itself, the sharing engine's layer (Disco, Satori), and the swap
    // monitor, through which detectors that watch the guest's swap I/O (MEB) see it.
    const sharing = this.#sharing;
    let disk = plainDisk(vm, machine);
    if (sharing && sharesDiskReads(sharing)) disk = sharing.diskLayer(vm, disk);
    disk = swapMonitor(disk, () => detectorsOf(slot));
    // The guest comes first (the workload runs on it), so it asks for the workload's disk locality later.
    let workload: Workload | undefined;
    const guest = config.guest.definition.create(config.guest.options, {
      ...this.#context(random, 'guest'),
      vm,
      pages: config.pages,
      diskLocality: () => workload?.diskBlocks ?? 'together',
      bus: machine,
      machine,
      backdoor: machine,
      disk,
      // Disco's hooked copy routine: copies of whole pages may become copy-on-write mappings.
      ...(sharing && sharesCopies(sharing)
        ? { copier: { copyPage: (dst, src) => sharing.copyPage(vm, dst, src) } }
        : {}),
    });
    workload = config.workload.definition.create(config.workload.options, {
      ...this.#context(random, 'workload'),
      vm,
      vmPages: config.pages,
      contents: this.contents,
      ...(this.#config.baseDir === undefined ? {} : { baseDir: this.#config.baseDir }),
    });
    const runner = new VmRunner(vm, config.name, guest, workload, this.#now, machine, machine, this.#sink, {
      scale: this.scale,
    });
    if (config.detector) {
      slot.detector = config.detector.definition.create(
        config.detector.options,
        this.#context(random, 'detector'),
      );
      slot.detector.attach({ vm, machine, traps: this.#traps.forVm(vm, config.pages) });
    }
    const seen = new Map<string, number>();
    slot.observers = (config.observers ?? []).map((use, i) => {
      const name = use.definition.name;
      const repeat = (seen.get(name) ?? 0) + 1;
      seen.set(name, repeat);
      const detector = use.definition.create(use.options, this.#context(random, `observer:${i}`));
      // Each observer of a kind registers its trap channel under a name of its own.
      const traps = this.#traps.forVm(vm, config.pages, `observer:${i}`);
      detector.attach({ vm, machine, traps });
      return { label: `${name}${repeat > 1 ? `#${repeat}` : ''}`, detector };
    });
    return runner;
  }

  /**
   * One row of metrics: per VM what it holds and how fast it ran since the last row; host free memory. A
   * miniature's pages, ops and faults are scaled back (`up`) to the full host's; the guest's disk requests
   * already count those their requests stand for, and a detector's checks are as many as at full size.
   */
  #sample(t: SimTime): void {
    const m = this.#metrics;
    const machine = this.machine;
    const scale = this.scale;
    const up = (n: number) => n * scale;
    m.beginRow(t);
    const seconds = this.#interval / 1e9;
    for (const slot of this.#running()) {
      const name = slot.config.name;
      const runner = slot.runner!;
      const p = machine.pagePartition(runner.vm);
      const c = machine.counters(runner.vm);
      const g = runner.guest.counters();
      const credit = this.#credit(runner.vm);
      m.record('allocated', 'pages', name, up(this.#held(runner.vm, credit)));
      m.record('target', 'pages', name, up(slot.target ?? slot.config.pages));
      m.record('shared', 'pages', name, up(p.shared));
      m.record('swapped', 'pages', name, up(p.swapped));
      m.record('ballooned', 'pages', name, up(p.ballooned));
      m.record('compressed', 'pages', name, up(p.compressed));
      m.record('throughput', 'ops/s', name, up(g.ops - slot.lastOps) / seconds);
      m.record('faults', 'faults/s', name, up(c.slowAccesses - slot.lastSlow) / seconds);
      m.record('host-swap-ins', 'pages/s', name, up(c.swapIns - slot.lastSwapIns) / seconds);
      m.record('guest-swap-ins', 'pages', name, up(g.guestSwapIns));
      m.record('guest-swap-outs', 'pages', name, up(g.guestSwapOuts));
      m.record('double-paging', 'pages', name, up(g.doublePagings));
      m.record('disk-reads', 'requests', name, g.diskReads);
      if (this.#credits) m.record('credit', 'pages', name, up(credit));
      if (slot.detector) {
        m.record('active-estimate', 'pages', name, up(slot.detector.estimate().activePages));
        m.record('detector-checks', 'pages', name, slot.detector.checks ?? 0);
      }
      for (const o of slot.observers) {
        m.record(`active-estimate:${o.label}`, 'pages', name, up(o.detector.estimate().activePages));
        m.record(`detector-checks:${o.label}`, 'pages', name, o.detector.checks ?? 0);
      }
      slot.lastOps = g.ops;
      slot.lastSlow = c.slowAccesses;
      slot.lastSwapIns = c.swapIns;
    }
    const frames = machine.framePartition();
    m.record('free', 'pages', undefined, up(frames.free));
    m.record('shared-frames', 'pages', undefined, up(frames.shared));
    m.record('swap-used', 'pages', undefined, up(machine.usedSwapSlots));
  }
}

/** A machine event of a miniature as the full host's: `vm-added`'s pages and overhead times the scale. */
function fullSizeVmEvent(event: SimEvent, scale: number): SimEvent {
  if (event.kind !== 'vm-added' || event.data === undefined) return event;
  const { pages, overhead } = event.data;
  return {
    ...event,
    data: {
      ...event.data,
      ...(typeof pages === 'number' ? { pages: pages * scale } : {}),
      ...(typeof overhead === 'number' ? { overhead: overhead * scale } : {}),
    },
  };
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
