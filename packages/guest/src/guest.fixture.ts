import { createMachine, type Machine } from '@hvsim/machine';
import {
  createOpBatch,
  createRandom,
  type DiskLocality,
  overDisk,
  type PageCopier,
  plainDisk,
  type VirtualDisk,
} from '@hvsim/spec';
import type { GuestKernel } from './guest-kernel';
import { checkGuestInvariants } from './invariants';
import { linuxGuest } from './linux';
import type { GuestOptionsInput } from './options';
import { windowsGuest } from './windows';

export interface TestGuestOptions {
  readonly kind?: 'linux' | 'windows';
  readonly pages?: number;
  readonly frames?: number;
  readonly swapSlots?: number;
  readonly guest?: GuestOptionsInput & { zeroPageRate?: number; bootZeroing?: number | string };
  /** A layer over the plain disk: its own parts, given the disk below (default none). */
  readonly disk?: (below: VirtualDisk) => Partial<VirtualDisk>;
  readonly copier?: PageCopier;
  /** A miniature at this scale: the machine's costs and the guest's options scaled (default 1). */
  readonly scale?: number;
  /** How the workload's disk blocks stand for the full-size VM's in a miniature (default: not said). */
  readonly diskLocality?: DiskLocality;
}

/** One op for {@link runOps}: its kind, target and content (default 0). */
export type Op = [kind: number, target: number, content?: number];

/** Runs the ops, in order, as one batch, and checks the guest's invariants after them. */
export function runOps(guest: GuestKernel, ...ops: Op[]): void {
  const batch = createOpBatch(ops.length);
  ops.forEach(([kind, target, content = 0], i) => {
    batch.kind[i] = kind;
    batch.target[i] = target;
    batch.content[i] = content;
  });
  batch.length = ops.length;
  guest.execute(batch);
  checkGuestInvariants(guest);
}

/** A guest on a machine of its own, wired as the host kernel wires them. */
export function testGuest(options: TestGuestOptions = {}): { machine: Machine; guest: GuestKernel } {
  const pages = options.pages ?? 32;
  const machine = createMachine({
    frames: options.frames ?? 4 * pages + 8,
    swapSlots: options.swapSlots ?? 4 * pages,
    scale: options.scale ?? 1,
  });
  const vm = machine.addVm({ pages });
  const definition = options.kind === 'windows' ? windowsGuest : linuxGuest;
  const below = plainDisk(vm, machine);
  const guest = definition.create(options.guest ?? {}, {
    vm,
    pages,
    bus: machine,
    machine,
    backdoor: machine,
    disk: options.disk ? overDisk(below, options.disk(below)) : below,
    ...(options.copier === undefined ? {} : { copier: options.copier }),
    random: createRandom(1).split('guest'),
    emit: () => {},
    scale: options.scale ?? 1,
    ...(options.diskLocality === undefined ? {} : { diskLocality: () => options.diskLocality! }),
  }) as GuestKernel;
  return { machine, guest };
}
