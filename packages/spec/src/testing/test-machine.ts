import type { VmId } from '../ids';
import {
  emptyVmCounters,
  FRAME_STATE_NAMES,
  type FramePartition,
  FrameState,
  GuestPageUsage,
  type MachineView,
  PAGE_STATE_NAMES,
  type PagePartition,
  PageState,
  type TrapApi,
  type TrapChannel,
  type TrapHandler,
  type TrapMode,
  type VmCounters,
} from '../machine';
import type { SimTime } from '../units';

/** Trap channels a machine offers, as the real one does. */
const CHANNELS = 6;

interface Registration {
  readonly handler: TrapHandler;
  readonly mode: TrapMode;
  readonly vm: VmId;
}

/**
 * A machine small enough to live in the contracts' test kit: every page resident, accesses made one at a
 * time by the test, traps and clocks per VM. It lets a conformance suite drive any observer without the
 * machine package, and checks what the real machine checks of observers (their own VM, their own channel).
 */
export class TestMachine {
  readonly view: MachineView;
  readonly #pages: readonly number[];
  readonly #time: number[];
  readonly #counters: VmCounters[];
  /** Per VM: pages its balloon holds (counted in its partition; the pages themselves stay accessible). */
  readonly #ballooned: number[];
  /** Per VM, per page: the armed channels as bits. */
  readonly #armed: Uint8Array[];
  /** Per channel: its handler, mode and the VM that registered it. */
  readonly #handlers: (Registration | undefined)[] = Array.from({ length: CHANNELS }, () => undefined);

  constructor(vmPages: readonly number[]) {
    this.#pages = vmPages;
    this.#time = vmPages.map(() => 0);
    this.#armed = vmPages.map((pages) => new Uint8Array(pages));
    this.#counters = vmPages.map(emptyVmCounters);
    this.#ballooned = vmPages.map(() => 0);
    this.view = this.#createView();
  }

  /** The trap API as the observers of `vm` see it: they may arm only that VM's pages. */
  traps(vm: VmId): TrapApi {
    const check = (other: VmId, channel: TrapChannel, ppn: number) => {
      if (other !== vm) throw new Error(`an observer of vm ${vm} armed a trap on vm ${other}`);
      if (this.#handlers[channel]?.vm !== vm)
        throw new Error(`channel ${channel} is not registered by vm ${vm}`);
      if (!(Number.isInteger(ppn) && ppn >= 0 && ppn < this.#pages[vm]!)) {
        throw new Error(`page ${ppn} is not a page of vm ${vm}`);
      }
    };
    return {
      register: (_name, handler, mode = 'access') => {
        const channel = this.#handlers.indexOf(undefined);
        if (channel === -1) throw new Error(`all ${CHANNELS} trap channels are taken`);
        this.#handlers[channel] = { handler, mode, vm };
        return channel;
      },
      unregister: (channel) => {
        check(vm, channel, 0);
        for (const armed of this.#armed) for (let p = 0; p < armed.length; p++) armed[p]! &= ~(1 << channel);
        this.#handlers[channel] = undefined;
      },
      arm: (channel, other, ppn) => {
        check(other, channel, ppn);
        this.#armed[vm]![ppn]! |= 1 << channel;
      },
      disarm: (channel, other, ppn) => {
        check(other, channel, ppn);
        this.#armed[vm]![ppn]! &= ~(1 << channel);
      },
      isArmed: (channel, other, ppn) => {
        check(other, channel, ppn);
        return (this.#armed[vm]![ppn]! & (1 << channel)) !== 0;
      },
    };
  }

  /** The VM accesses a page: the traps armed on it that match fire once. */
  access(vm: VmId, ppn: number, write = false): void {
    const armed = this.#armed[vm]!;
    this.#counters[vm]!.accesses++;
    for (let channel = 0; channel < CHANNELS; channel++) {
      const entry = this.#handlers[channel];
      const bit = 1 << channel;
      if ((armed[ppn]! & bit) === 0 || !entry || (entry.mode === 'write' && !write)) continue;
      armed[ppn]! &= ~bit;
      this.#counters[vm]!.traps++;
      entry.handler(vm, ppn, write);
    }
  }

  /** The VM's clock moves on. */
  advance(vm: VmId, ns: SimTime): void {
    this.#time[vm]! += ns;
    this.#counters[vm]!.time += ns;
  }

  /** The VM's balloon now holds `pages` of its pages: the memory it has is that much smaller. */
  setBallooned(vm: VmId, pages: number): void {
    if (!(Number.isInteger(pages) && pages >= 0 && pages <= this.#pages[vm]!)) {
      throw new Error(`expected 0 to ${this.#pages[vm]} ballooned pages, got ${pages}`);
    }
    this.#ballooned[vm] = pages;
  }

  /** Traps armed now, on every VM. */
  armedTraps(): number {
    let count = 0;
    for (const armed of this.#armed)
      for (const bits of armed) for (let b = bits; b !== 0; b &= b - 1) count++;
    return count;
  }

  /** Channels registered now. */
  channelsInUse(): number {
    return this.#handlers.filter((h) => h !== undefined).length;
  }

  #createView(): MachineView {
    const pages = this.#pages;
    const total = pages.reduce((a, b) => a + b, 0);
    const vms = pages.map((_, i) => i as VmId);
    const offset = (vm: VmId) => pages.slice(0, vm).reduce((a, b) => a + b, 0);
    const partition = (vm: VmId): PagePartition => {
      const result = Object.fromEntries(PAGE_STATE_NAMES.map((name) => [name, 0])) as PagePartition;
      result.ballooned = this.#ballooned[vm]!;
      result.private = pages[vm]! - result.ballooned;
      return result;
    };
    const frames = Object.fromEntries(FRAME_STATE_NAMES.map((name) => [name, 0])) as FramePartition;
    frames.private = total;
    return {
      contract: 'machine@1',
      totalFrames: total,
      freeFrames: 0,
      swapSlots: 0,
      usedSwapSlots: 0,
      now: 0,
      zeroFrame: 0,
      vms: () => vms,
      pageCount: (vm) => pages[vm]!,
      pageState: () => PageState.Private,
      hasVm: (vm) => Number.isInteger(vm) && vm >= 0 && vm < pages.length,
      pageUsage: () => GuestPageUsage.Stable, // a test machine's guests give no hints
      frameOf: (vm, ppn) => offset(vm) + ppn,
      peek: () => 0,
      frameState: () => FrameState.Private,
      frameContent: () => 0,
      frameDomain: () => 0,
      refCount: () => 1,
      pagePartition: partition,
      framePartition: () => frames,
      counters: (vm) => this.#counters[vm]!,
      vmTime: (vm) => this.#time[vm]!,
      compressionFrames: () => 0,
      compressedBytes: () => 0,
    };
  }
}
