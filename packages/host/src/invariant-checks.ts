import { checkInvariants, type Machine } from '@hvsim/machine';
import {
  formatDuration,
  type GuestOs,
  InvariantCheckFailed,
  InvariantViolation,
  type SimTime,
  type VmId,
} from '@hvsim/spec';

/**
 * The kernel's debug mode (`checkInvariants`): the machine's invariants and the guests', checked after each
 * VM's quantum (the machine and that VM's guest: no other guest ran) and after the host's steps between
 * quanta (the machine and every guest). A breach becomes an InvariantCheckFailed naming the invariant, the VM
 * and page, and what ran since the last check passed — a VM's quantum, or the host's steps with the periodic
 * tasks among them (a rebalance runs the reclamation mechanisms, a share scan the sharing engine). O(frames +
 * pages) a check; the host holds no instance when checks are off, so an unchecked run pays nothing.
 */
export class InvariantChecks {
  /** Periodic tasks run since the last check, to name them. */
  readonly #tasks: string[] = [];

  constructor(
    private readonly machine: Machine,
    /** The guests of the VMs powered on now. */
    private readonly guests: () => Iterable<GuestOs>,
  ) {}

  afterQuantum(vm: string, guest: GuestOs, time: SimTime): void {
    this.#check(`the quantum of vm '${vm}'`, time, [guest]);
  }

  /** A periodic task ran: the next check names it. */
  noteTask(name: string): void {
    this.#tasks.push(name);
  }

  /** After swap writes completing, detectors ticking, periodic tasks, a triggered rebalance, power on and off. */
  afterHostSteps(time: SimTime): void {
    const tasks = this.#tasks.length === 0 ? '' : ` (tasks: ${this.#tasks.join(', ')})`;
    this.#tasks.length = 0;
    this.#check(`the host's steps between quanta${tasks}`, time, this.guests());
  }

  #check(after: string, time: SimTime, guests: Iterable<GuestOs>): void {
    let checking: VmId | undefined;
    try {
      checkInvariants(this.machine);
      for (const guest of guests) {
        checking = guest.vm;
        guest.checkInvariants?.();
      }
    } catch (error) {
      if (!(error instanceof InvariantViolation)) throw error;
      // A guest's check is about its own VM even when the guest does not say so.
      throw this.#failure(error, error.vm ?? checking, after, time);
    }
  }

  #failure(
    violation: InvariantViolation,
    vm: VmId | undefined,
    after: string,
    time: SimTime,
  ): InvariantCheckFailed {
    const name = vm === undefined ? undefined : this.machine.hasVm(vm) ? this.machine.vmName(vm) : `#${vm}`;
    const place = [
      name === undefined
        ? ''
        : violation.page === undefined
          ? `vm '${name}'`
          : `page ${violation.page} of vm '${name}'`,
      violation.frame === undefined ? '' : `frame ${violation.frame}`,
    ].filter((part) => part !== '');
    const invariant =
      violation.invariant === undefined ? 'an invariant' : `invariant '${violation.invariant}'`;
    return new InvariantCheckFailed(
      `${invariant} broke after ${after} at ${formatDuration(time)}: ${[...place, violation.found].join(': ')}`,
      { invariant: violation.invariant, vm: name, page: violation.page, frame: violation.frame, after, time },
      violation,
    );
  }
}
