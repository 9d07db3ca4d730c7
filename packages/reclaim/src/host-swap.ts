import {
  defineReclamationMechanism,
  HvsimError,
  type MechanismAttachment,
  type RandomStream,
  type ReclamationMechanism,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { randomPrivatePage } from './random-victim';

export const hostSwapOptions = z.object({});

/**
 * Host paging (ESX 2002, §3.3): the hypervisor writes pages of a VM to its swap without the guest knowing,
 * victims chosen at random. Page-outs are asynchronous (a frame is freed when its write completes) and a
 * page comes back on its next access, so giving memory back is the guest's doing: `release` returns nothing.
 * A guest that later pages out a page the host already swapped reads it back first: double paging, counted
 * by the guest.
 */
export class HostSwap implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'host-swap';
  readonly #random: RandomStream;
  #attachment: MechanismAttachment | undefined;

  constructor(random: RandomStream) {
    this.#random = random;
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
  }

  available(): boolean {
    const machine = this.#attached().machine;
    return machine.usedSwapSlots < machine.swapSlots;
  }

  reclaim(vm: VmId, pages: number): number {
    const { machine, remap } = this.#attached();
    let taken = 0;
    while (taken < pages && machine.usedSwapSlots < machine.swapSlots) {
      const ppn = randomPrivatePage(machine, vm, this.#random);
      if (ppn === -1) break;
      remap.swapOut(vm, ppn);
      taken++;
    }
    return taken;
  }

  release(): number {
    return 0;
  }

  #attached(): MechanismAttachment {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the host-swap mechanism is not attached to a host');
    return this.#attachment;
  }
}

export const hostSwap = defineReclamationMechanism({
  name: 'host-swap',
  description: 'ESX host paging: random victims written to the host swap, brought back on access',
  options: hostSwapOptions,
  create: (_options, context) => new HostSwap(context.random.split('host-swap')),
});
