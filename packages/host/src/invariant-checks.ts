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
 * The kernel's debug mode (`checkInvariants`): the machine's invariants and every running guest's, checked
 * after each step of the run loop. A breach becomes an InvariantCheckFailed naming the invariant, the VM and
 * page, and the step that ran since the last check passed, so the step (a VM's quantum, a periodic task such
 * as a rebalance that runs the reclamation mechanisms or a share scan) is the one to blame. O(frames + pages)
 * per check; the host holds no instance when checks are off, so an unchecked run pays nothing.
 */
export class InvariantChecks {
  constructor(
    private readonly machine: Machine,
    /** The guests of the VMs powered on now. */
    private readonly guests: () => Iterable<GuestOs>,
  ) {}

  /** Checks everything; `after` names what ran since the last check, e.g. `the quantum of vm 'web'`. */
  run(after: string, time: SimTime): void {
    let checking: VmId | undefined;
    try {
      checkInvariants(this.machine);
      for (const guest of this.guests()) {
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
