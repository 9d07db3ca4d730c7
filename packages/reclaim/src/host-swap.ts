import {
  defineReclamationMechanism,
  HvsimError,
  type MechanismAttachment,
  PageState,
  type RandomStream,
  type ReclamationMechanism,
  type TrapApi,
  type TrapChannel,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { randomPrivatePage } from './random-victim';

export const hostSwapOptions = z.object({
  victims: z
    .enum(['random', 'clock', 'lru'])
    .default('random')
    .describe(
      'how victims are chosen: random (ESX: no access information needed), clock (second chance on emulated access bits), lru (pages aged by access bits at each reclaim, oldest first)',
    ),
});

export type HostSwapOptions = z.output<typeof hostSwapOptions>;

/** What the access-bit policies know of one VM: a bit per page set by a trap, and each page's age. */
interface Watch {
  readonly traps: TrapApi;
  readonly channel: TrapChannel;
  readonly referenced: Uint8Array;
  readonly age: Uint8Array;
  hand: number;
}

/**
 * Host paging (ESX 2002, §3.3): the hypervisor writes pages of a VM to its swap without the guest knowing,
 * victims chosen at random as ESX does — or, to compare, by CLOCK or an LRU approximation, on access bits
 * emulated with traps (each re-armed bit costs the VM a trap when next touched; ESX avoided that cost, and
 * paging by recency under a guest that also pages by recency makes both evict the same pages: double
 * paging). Victims are private pages only, and each is first offered to the host's sharing engine
 * (share-before-swap): one it can share needs no swap. Page-outs are asynchronous (a frame is freed when its write completes) and a
 * page comes back on its next access, so giving memory back is the guest's doing: `release` returns nothing.
 * A guest that later pages out a page the host already swapped reads it back first: double paging, counted
 * by the guest.
 */
export class HostSwap implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'host-swap';
  readonly options: HostSwapOptions;
  readonly #random: RandomStream;
  readonly #watches = new Map<VmId, Watch>();
  #attachment: MechanismAttachment | undefined;

  constructor(options: HostSwapOptions, random: RandomStream) {
    this.options = options;
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
    const { machine } = this.#attached();
    const room = () => machine.usedSwapSlots < machine.swapSlots;
    let taken = 0;
    if (this.options.victims === 'random') {
      while (taken < pages && room()) {
        const ppn = randomPrivatePage(machine, vm, this.#random);
        if (ppn === -1) break;
        this.#pageOut(vm, ppn);
        taken++;
      }
      return taken;
    }
    const victims = this.options.victims === 'clock' ? this.#clock(vm, pages) : this.#oldest(vm, pages);
    for (const ppn of victims) {
      if (!room()) break;
      this.#pageOut(vm, ppn);
      taken++;
    }
    return taken;
  }

  /** Frees a victim's frame: shared with an identical page if the sharing engine finds one, else swapped. */
  #pageOut(vm: VmId, ppn: number): void {
    const { remap, shareBeforeSwap } = this.#attached();
    if (!shareBeforeSwap?.(vm, ppn)) remap.swapOut(vm, ppn);
  }

  /** CLOCK: the hand sweeps the pages; a referenced page loses its bit (re-armed) and is passed over. */
  #clock(vm: VmId, pages: number): number[] {
    const watch = this.#watch(vm);
    const { machine } = this.#attached();
    const count = watch.referenced.length;
    const victims: number[] = [];
    for (let step = 0; step < 2 * count && victims.length < pages; step++) {
      const ppn = watch.hand;
      watch.hand = ppn + 1 === count ? 0 : ppn + 1;
      if (machine.pageState(vm, ppn) !== PageState.Private) continue;
      if (watch.referenced[ppn] === 1) {
        watch.referenced[ppn] = 0;
        watch.traps.arm(watch.channel, vm, ppn);
      } else victims.push(ppn);
    }
    return victims;
  }

  /** LRU approximation: every page ages unless referenced since the last reclaim; the oldest go first. */
  #oldest(vm: VmId, pages: number): number[] {
    const watch = this.#watch(vm);
    const { machine } = this.#attached();
    const byAge: number[][] = Array.from({ length: 256 }, () => []);
    for (let ppn = 0; ppn < watch.age.length; ppn++) {
      if (watch.referenced[ppn] === 1) {
        watch.referenced[ppn] = 0;
        watch.age[ppn] = 0;
        watch.traps.arm(watch.channel, vm, ppn);
      } else if (watch.age[ppn]! < 255) watch.age[ppn]!++;
      if (machine.pageState(vm, ppn) === PageState.Private) byAge[watch.age[ppn]!]!.push(ppn);
    }
    const victims: number[] = [];
    for (let age = 255; age >= 0 && victims.length < pages; age--) {
      for (const ppn of byAge[age]!) {
        if (victims.length === pages) break;
        victims.push(ppn);
      }
    }
    return victims;
  }

  /** Starts watching a VM's accesses: every page armed, and counted as referenced until seen otherwise. */
  #watch(vm: VmId): Watch {
    let watch = this.#watches.get(vm);
    if (watch) return watch;
    const { machine, traps: trapsOf } = this.#attached();
    if (!trapsOf)
      throw new HvsimError('no-traps', `host-swap's ${this.options.victims} victims need the trap API`);
    const traps = trapsOf(vm);
    const count = machine.pageCount(vm);
    const referenced = new Uint8Array(count).fill(1);
    const channel = traps.register('host-swap', (_vm, ppn) => {
      referenced[ppn] = 1;
    });
    watch = { traps, channel, referenced, age: new Uint8Array(count), hand: 0 };
    this.#watches.set(vm, watch);
    return watch;
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
  description:
    'ESX host paging: victims (random as ESX, or clock, or lru) written to the host swap, brought back on access',
  options: hostSwapOptions,
  create: (options, context) => new HostSwap(options, context.random.split('host-swap')),
});
