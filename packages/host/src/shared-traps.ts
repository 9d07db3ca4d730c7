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

interface Shared {
  /** Name, mode and scope: VMs that register the same share the channel. */
  readonly key: string;
  readonly channel: TrapChannel;
  /** The handler of each VM that registered the channel, by VM id. */
  readonly handlers: (TrapHandler | undefined)[];
  users: number;
}

/**
 * Trap channels shared by VMs. The machine has a handful of trap bits per page, but each VM's observers
 * register channels of their own: VMs that register the same name and mode share one machine channel, whose
 * handler calls the handler of the VM that was accessed. Each VM gets a view of the trap API that arms only
 * its own pages.
 */
export class SharedTraps {
  readonly #traps: TrapApi;
  readonly #shared = new Map<string, Shared>();
  /** The same entries by machine channel, for the checks on every arm. */
  readonly #byChannel: (Shared | undefined)[] = [];

  constructor(traps: TrapApi) {
    this.#traps = traps;
  }

  /**
   * The trap API as VM `vm`'s observers see it. `scope` sets observers apart that would register the same
   * names (two detectors of one kind on a VM): they get channels of their own.
   */
  forVm(vm: VmId, pageCount: number, scope = ''): TrapApi {
    const traps = this.#traps;
    const shared = this.#shared;
    const byChannel = this.#byChannel;
    /** The entry of a channel this VM registered, when the page is its own. */
    const own = (channel: TrapChannel, other: VmId = vm): Shared => {
      if (other !== vm) {
        throw new HvsimError(
          'foreign-vm',
          `an observer of vm ${vm} may not arm traps on vm ${other}`,
          'traps.vm',
        );
      }
      const entry = byChannel[channel];
      if (entry?.handlers[vm]) return entry;
      throw new HvsimError(
        'unknown-channel',
        `vm ${vm} has not registered trap channel ${channel}`,
        'traps.channel',
      );
    };
    return {
      register(
        name: string,
        handler: TrapHandler,
        mode: TrapMode = 'access',
        options: TrapOptions = {},
      ): TrapChannel {
        const key = `${mode}:${options.free ? 'free' : 'charged'}:${scope}:${name}`;
        let entry = shared.get(key);
        if (!entry) {
          const handlers: (TrapHandler | undefined)[] = [];
          const channel = traps.register(
            name,
            (v, ppn, write) => handlers[v]?.(v, ppn, write),
            mode,
            options,
          );
          entry = { key, channel, handlers, users: 0 };
          shared.set(key, entry);
          byChannel[channel] = entry;
        }
        if (entry.handlers[vm]) {
          throw new HvsimError('channel-taken', `vm ${vm} has already registered ${name}`, 'traps.register');
        }
        entry.handlers[vm] = handler;
        entry.users++;
        return entry.channel;
      },
      unregister(channel: TrapChannel): void {
        const entry = own(channel);
        for (let ppn = 0; ppn < pageCount; ppn++) {
          if (traps.isArmed(channel, vm, ppn)) traps.disarm(channel, vm, ppn);
        }
        entry.handlers[vm] = undefined;
        if (--entry.users === 0) {
          traps.unregister(channel);
          shared.delete(entry.key);
          byChannel[channel] = undefined;
        }
      },
      arm(channel: TrapChannel, other: VmId, ppn: Ppn): void {
        own(channel, other);
        traps.arm(channel, vm, ppn);
      },
      disarm(channel: TrapChannel, other: VmId, ppn: Ppn): void {
        own(channel, other);
        traps.disarm(channel, vm, ppn);
      },
      isArmed(channel: TrapChannel, other: VmId, ppn: Ppn): boolean {
        own(channel, other);
        return traps.isArmed(channel, vm, ppn);
      },
    };
  }
}
