import {
  defineReclamationMechanism,
  GuestPageUsage,
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
import { ResidencyQueue } from './residency-queue';

export const hostSwapOptions = z.object({
  hintsFirst: z
    .boolean()
    .default(true)
    .describe(
      'take pages the guest gave up (CMM2: unused, volatile) before any other victim: no I/O for them (default true)',
    ),
  victims: z
    .enum(['random', 'fifo', 'clock', 'lru'])
    .default('random')
    .describe(
      'how victims are chosen: random (ESX: no access information needed), fifo (the page resident longest, seen by a trap when a page comes back), clock (second chance on emulated access bits), lru (pages aged by access bits at each reclaim, oldest first)',
    ),
});

export type HostSwapOptions = z.output<typeof hostSwapOptions>;

/**
 * What the policies that watch a VM know of it: a bit per page set by a trap, each page's age (clock, lru),
 * and the order pages became resident (fifo).
 */
interface Watch {
  readonly traps: TrapApi;
  readonly channel: TrapChannel;
  readonly referenced: Uint8Array;
  readonly age: Uint8Array;
  readonly resident: ResidencyQueue | undefined;
  hand: number;
}

/**
 * Host paging (ESX 2002, §3.3): the hypervisor writes pages of a VM to its swap without the guest knowing,
 * victims chosen at random as ESX does — or, to compare, first in first out (the page resident longest;
 * a page that comes back is seen by a trap on its return), or by CLOCK or an LRU approximation, on access bits
 * emulated with traps (each re-armed bit costs the VM a trap when next touched; ESX avoided that cost, and
 * paging by recency under a guest that also pages by recency makes both evict the same pages: double
 * paging). Victims are private pages only, and each is first offered to the host's sharing engine
 * (share-before-swap): one it can share needs no swap. Page-outs are asynchronous (a frame is freed when its write completes) and a
 * page comes back on its next access, so giving memory back is the guest's doing: `release` returns nothing.
 * A guest that later pages out a page the host already swapped reads it back first: double paging, counted
 * by the guest. A guest that gives CMM2 hints has its unused and volatile pages taken first, without I/O
 * (`hintsFirst`), and any victim it gave up is dropped or discarded rather than written.
 */
export class HostSwap implements ReclamationMechanism {
  readonly contract = 'reclamation-mechanism@1';
  readonly name = 'host-swap';
  readonly options: HostSwapOptions;
  readonly #random: RandomStream;
  readonly #watches = new Map<VmId, Watch>();
  /** Per VM: where the scan for pages its guest gave up goes on from. */
  readonly #hintCursors = new Map<VmId, number>();
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
    let taken = this.options.hintsFirst ? this.#givenUp(vm, pages) : 0;
    // Each victim is paged out as it is chosen, so a policy that comes round to it again finds it gone; none
    // is asked for past the last one needed (a FIFO's next page would leave its queue).
    const victims = this.#victims(vm);
    while (taken < pages && machine.usedSwapSlots < machine.swapSlots) {
      const next = victims.next();
      if (next.done) break;
      this.#pageOut(vm, next.value);
      taken++;
    }
    return taken;
  }

  /**
   * CMM2 (z/VM "selects those pages for removal at a higher priority"): drops or discards up to `pages`
   * resident pages the guest marked unused or volatile, scanning on from where the last scan stopped, and
   * returns how many. Nothing for a guest that gives no hints.
   */
  #givenUp(vm: VmId, pages: number): number {
    const { machine, remap } = this.#attached();
    const count = machine.pageCount(vm);
    let ppn = this.#hintCursors.get(vm) ?? 0;
    let taken = 0;
    for (let scanned = 0; scanned < count && taken < pages; scanned++, ppn = (ppn + 1) % count) {
      const usage = machine.pageUsage(vm, ppn);
      if (usage === GuestPageUsage.Stable || usage === GuestPageUsage.PotentiallyVolatile) continue;
      const state = machine.pageState(vm, ppn);
      if (state !== PageState.Private && state !== PageState.Shared) continue;
      remap.evict(vm, ppn);
      taken++;
    }
    this.#hintCursors.set(vm, ppn);
    return taken;
  }

  /** Private pages of the VM in the order the policy gives them up. */
  *#victims(vm: VmId): Generator<number> {
    const machine = this.#attached().machine;
    switch (this.options.victims) {
      case 'random':
        for (let ppn = randomPrivatePage(machine, vm, this.#random); ppn !== -1; ) {
          yield ppn;
          ppn = randomPrivatePage(machine, vm, this.#random);
        }
        return;
      case 'fifo':
        return yield* this.#firstIn(vm);
      case 'clock':
        return yield* this.#clock(vm);
      case 'lru':
        return yield* this.#oldest(vm);
    }
  }

  /**
   * Frees a victim's frame. A page its guest gave up (CMM2: unused or volatile) is dropped or discarded
   * without I/O; a stable one is shared with an identical page if the sharing engine finds one, else swapped.
   */
  #pageOut(vm: VmId, ppn: number): void {
    const { machine, remap, shareBeforeSwap } = this.#attached();
    const stable = machine.pageUsage(vm, ppn) === GuestPageUsage.Stable;
    if (!stable || !shareBeforeSwap?.(vm, ppn)) remap.evict(vm, ppn);
  }

  /**
   * FIFO: the pages resident longest. A page found not resident (swapped, ballooned, shared) leaves the
   * queue and is armed, so its return puts it at the tail; so is each victim. Pages that became resident
   * unseen (filled by the disk and not touched yet, or given back by a balloon) join in page order when the
   * queue runs dry.
   */
  *#firstIn(vm: VmId): Generator<number> {
    const watch = this.#watch(vm);
    const queue = watch.resident!;
    const { machine } = this.#attached();
    let refilled = false;
    for (;;) {
      const ppn = queue.shift();
      if (ppn === -1) {
        if (refilled) return;
        refilled = true;
        for (let p = 0; p < watch.referenced.length; p++) {
          if (machine.pageState(vm, p) === PageState.Private) queue.push(p);
        }
        continue;
      }
      watch.traps.arm(watch.channel, vm, ppn);
      if (machine.pageState(vm, ppn) === PageState.Private) yield ppn;
    }
  }

  /** CLOCK: the hand sweeps the pages; a referenced page loses its bit (re-armed) and is passed over. */
  *#clock(vm: VmId): Generator<number> {
    const watch = this.#watch(vm);
    const { machine } = this.#attached();
    const count = watch.referenced.length;
    for (let step = 0; step < 2 * count; step++) {
      const ppn = watch.hand;
      watch.hand = ppn + 1 === count ? 0 : ppn + 1;
      if (machine.pageState(vm, ppn) !== PageState.Private) continue;
      if (watch.referenced[ppn] === 1) {
        watch.referenced[ppn] = 0;
        watch.traps.arm(watch.channel, vm, ppn);
      } else yield ppn;
    }
  }

  /** LRU approximation: every page ages unless referenced since the last reclaim; the oldest go first. */
  *#oldest(vm: VmId): Generator<number> {
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
    for (let age = 255; age >= 0; age--) yield* byAge[age]!;
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
    const resident = this.options.victims === 'fifo' ? new ResidencyQueue(count) : undefined;
    const channel = traps.register('host-swap', (_vm, ppn) => {
      referenced[ppn] = 1;
      resident?.push(ppn);
    });
    // FIFO starts from what is resident now, in page order; the rest is armed to be seen arriving.
    if (resident) {
      for (let ppn = 0; ppn < count; ppn++) {
        if (machine.pageState(vm, ppn) === PageState.Private) resident.push(ppn);
        else traps.arm(channel, vm, ppn);
      }
    }
    watch = { traps, channel, referenced, age: new Uint8Array(count), resident, hand: 0 };
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
    'ESX host paging: victims (random as ESX, or fifo, clock, lru) written to the host swap, brought back on access',
  options: hostSwapOptions,
  create: (options, context) => new HostSwap(options, context.random.split('host-swap')),
});
