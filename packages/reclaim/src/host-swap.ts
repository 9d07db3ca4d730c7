import {
  defineReclamationMechanism,
  GuestPageUsage,
  HvsimError,
  type MechanismAttachment,
  type Ppn,
  type RandomStream,
  type ReclamationMechanism,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { Victims, victimsOption } from './victims';

export const hostSwapOptions = z.object({
  hintsFirst: z
    .boolean()
    .default(true)
    .describe(
      'take pages the guest gave up (CMM2: unused, volatile) before any other victim: no I/O for them (default true)',
    ),
  victims: victimsOption(),
});

export type HostSwapOptions = z.output<typeof hostSwapOptions>;

/**
 * Host paging (ESX 2002, §3.3): the hypervisor writes pages of a VM to its swap without the guest knowing,
 * victims chosen at random as ESX does, or by FIFO, CLOCK or LRU to compare (see `Victims`). Victims are
 * private pages only, and each is first offered to the host's sharing engine (share-before-swap): one it can
 * share needs no swap. Page-outs are asynchronous (a frame is freed when its write completes) and a page
 * comes back on its next access, so giving memory back is the guest's doing: `release` returns nothing.
 * A guest that later pages out a page the host already swapped reads it back first: double paging, counted
 * by the guest. A guest that gives CMM2 hints has its unused and volatile pages taken first, without I/O
 * (`hintsFirst`), and any victim it gave up is dropped or discarded rather than written.
 */
export class HostSwap implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'host-swap';
  readonly options: HostSwapOptions;
  readonly #victims: Victims;
  #attachment: MechanismAttachment | undefined;

  constructor(options: HostSwapOptions, random: RandomStream) {
    this.options = options;
    this.#victims = new Victims(this.name, options.victims, random);
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
    this.#victims.attach(attachment);
  }

  available(): boolean {
    const machine = this.#attached().machine;
    return machine.usedSwapSlots < machine.swapSlots;
  }

  reclaim(vm: VmId, pages: number): number {
    const { machine } = this.#attached();
    let taken = 0;
    if (this.options.hintsFirst) {
      for (const ppn of this.#victims.givenUp(vm)) {
        if (taken === pages) break;
        this.#pageOut(vm, ppn);
        taken++;
      }
    }
    const victims = this.#victims.of(vm);
    while (taken < pages && machine.usedSwapSlots < machine.swapSlots) {
      const next = victims.next();
      if (next.done) break;
      this.#pageOut(vm, next.value);
      taken++;
    }
    return taken;
  }

  release(): number {
    return 0;
  }

  /**
   * Frees a victim's frame. A page its guest gave up is dropped or discarded without I/O; a stable one is
   * shared with an identical page if the sharing engine finds one, else swapped.
   */
  #pageOut(vm: VmId, ppn: Ppn): void {
    const { machine, remap, shareBeforeSwap } = this.#attached();
    const stable = machine.pageUsage(vm, ppn) === GuestPageUsage.Stable;
    if (!stable || !shareBeforeSwap?.(vm, ppn)) remap.evict(vm, ppn);
  }

  #attached(): MechanismAttachment {
    if (!this.#attachment)
      throw new HvsimError('not-attached', 'the host-swap mechanism is not attached to a host');
    return this.#attachment;
  }
}

export const hostSwap = defineReclamationMechanism({
  name: 'host-swap',
  description:
    'ESX host paging: victims (random as ESX, or fifo, clock, lru) written to the host swap, brought back on access',
  options: hostSwapOptions,
  create: (options, context) => new HostSwap(options, context.random.split('host-swap')),
});
