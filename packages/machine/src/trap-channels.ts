import {
  HvsimError,
  type Ppn,
  type TrapApi,
  type TrapChannel,
  type TrapHandler,
  type TrapMode,
  type TrapOptions,
  type VmId,
} from '@hvsim/spec';
import { OutOfRangeError } from './errors';
import { CHANNEL_SHIFT, MAX_CHANNELS, type VmMemory } from './vm-memory';

/**
 * The trap API over the pmaps' flag bytes: each channel owns one bit. Arming sets the bit (as invalidating a
 * shadow mapping would), so the page leaves the fast path; the machine clears the bit and calls the handler on
 * the next access that matches the channel's mode.
 */
export class TrapChannels implements TrapApi {
  readonly handlers: (TrapHandler | undefined)[] = new Array(MAX_CHANNELS).fill(undefined);
  readonly names: (string | undefined)[] = new Array(MAX_CHANNELS).fill(undefined);
  /** Channel bits that fire on reads as well as writes. */
  accessBits = 0;
  /** Bits of every registered channel. */
  allBits = 0;
  /** Bits of the channels whose traps cost the VM time (all but free ones). */
  chargedBits = 0;

  constructor(
    private readonly vm: (id: VmId) => VmMemory,
    private readonly allVms: () => Iterable<VmMemory>,
  ) {}

  register(
    name: string,
    handler: TrapHandler,
    mode: TrapMode = 'access',
    options: TrapOptions = {},
  ): TrapChannel {
    const channel = this.handlers.indexOf(undefined);
    if (channel === -1) {
      throw new HvsimError(
        'trap-channels-exhausted',
        `all ${MAX_CHANNELS} trap channels are taken (${this.names.join(', ')}); cannot register ${name}`,
        'traps.register',
      );
    }
    this.handlers[channel] = handler;
    this.names[channel] = name;
    const bit = 1 << (CHANNEL_SHIFT + channel);
    this.allBits |= bit;
    if (mode === 'access') this.accessBits |= bit;
    if (!options.free) this.chargedBits |= bit;
    return channel;
  }

  unregister(channel: TrapChannel): void {
    const bit = this.#bit(channel);
    for (const vm of this.allVms()) {
      const flags = vm.flags;
      for (let p = 0; p < flags.length; p++) flags[p]! &= ~bit;
    }
    this.handlers[channel] = undefined;
    this.names[channel] = undefined;
    this.allBits &= ~bit;
    this.accessBits &= ~bit;
    this.chargedBits &= ~bit;
  }

  arm(channel: TrapChannel, vm: VmId, ppn: Ppn): void {
    const bit = this.#bit(channel);
    this.#flags(vm, ppn)[ppn]! |= bit;
  }

  disarm(channel: TrapChannel, vm: VmId, ppn: Ppn): void {
    const bit = this.#bit(channel);
    this.#flags(vm, ppn)[ppn]! &= ~bit;
  }

  isArmed(channel: TrapChannel, vm: VmId, ppn: Ppn): boolean {
    return (this.#flags(vm, ppn)[ppn]! & this.#bit(channel)) !== 0;
  }

  /** Fires (and disarms) the channels in `bits` for an access to (vm, ppn). */
  fire(memory: VmMemory, ppn: Ppn, bits: number, write: boolean): void {
    memory.flags[ppn]! &= ~bits;
    for (let channel = 0; channel < MAX_CHANNELS; channel++) {
      if (bits & (1 << (CHANNEL_SHIFT + channel))) this.handlers[channel]!(memory.id, ppn, write);
    }
  }

  #bit(channel: TrapChannel): number {
    if (!Number.isInteger(channel) || channel < 0 || channel >= MAX_CHANNELS || !this.handlers[channel]) {
      throw new OutOfRangeError('traps.channel', channel, 'a registered trap channel');
    }
    return 1 << (CHANNEL_SHIFT + channel);
  }

  #flags(vm: VmId, ppn: Ppn): Uint8Array {
    const memory = this.vm(vm);
    if (!Number.isInteger(ppn) || ppn < 0 || ppn >= memory.pages) {
      throw new OutOfRangeError('ppn', ppn, `a page of vm ${vm} in [0, ${memory.pages})`);
    }
    return memory.flags;
  }
}
