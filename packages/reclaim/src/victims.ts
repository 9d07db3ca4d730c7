import { PageQueue } from '@hvsim/helpers';
import {
  GuestPageUsage,
  HvsimError,
  type MechanismAttachment,
  PageState,
  type Ppn,
  type RandomStream,
  type TrapApi,
  type TrapChannel,
  type VmId,
} from '@hvsim/spec';
import { z } from 'zod';
import { randomPrivatePage } from './random-victim';

export const victimPolicies = ['random', 'fifo', 'clock', 'lru'] as const;
export type VictimPolicy = (typeof victimPolicies)[number];

/** The `victims` option of the mechanisms that take pages from a VM. */
export const victimsOption = () =>
  z
    .enum(victimPolicies)
    .default('random')
    .describe(
      'how victims are chosen: random (ESX: no access information needed), fifo (the page resident longest, seen by a trap when a page comes back), clock (second chance on emulated access bits), lru (pages aged by access bits at each reclaim, oldest first)',
    );

/**
 * What the policies that watch a VM know of it: a bit per page set by a trap, each page's age (clock, lru),
 * and the order pages became resident (fifo).
 */
interface Watch {
  readonly traps: TrapApi;
  readonly channel: TrapChannel;
  readonly referenced: Uint8Array;
  readonly age: Uint8Array;
  readonly resident: PageQueue | undefined;
  hand: number;
}

/**
 * The private pages a mechanism takes from a VM, in the order its victim policy gives them up: at random as
 * ESX does — or, to compare, first in first out (the page resident longest; a page that comes back is seen
 * by a trap on its return), or by CLOCK or an LRU approximation, on access bits emulated with traps (each
 * re-armed bit costs the VM a trap when next touched; ESX avoided that cost, and paging by recency under a
 * guest that also pages by recency makes both evict the same pages: double paging). The caller takes each
 * victim as it is given, so a policy that comes round to it again finds it gone, and asks for none past the
 * last it needs (a FIFO's next page would leave its queue).
 */
export class Victims {
  readonly #owner: string;
  readonly #policy: VictimPolicy;
  readonly #random: RandomStream;
  readonly #watches = new Map<VmId, Watch>();
  /** Per VM: where the scan for pages its guest gave up goes on from. */
  readonly #givenUpCursors = new Map<VmId, number>();
  #attachment: MechanismAttachment | undefined;

  /** `owner` names the mechanism, for its trap channel and its errors. */
  constructor(owner: string, policy: VictimPolicy, random: RandomStream) {
    this.#owner = owner;
    this.#policy = policy;
    this.#random = random;
  }

  attach(attachment: MechanismAttachment): void {
    this.#attachment = attachment;
  }

  /** Private pages of the VM in the order the policy gives them up. */
  *of(vm: VmId): Generator<Ppn> {
    const machine = this.#attached().machine;
    switch (this.#policy) {
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
   * Resident pages the guest gave up (CMM2: unused or volatile), which z/VM "selects for removal at a higher
   * priority" since they go without I/O: one sweep, on from where the last stopped. None for a guest that
   * gives no hints.
   */
  *givenUp(vm: VmId): Generator<Ppn> {
    const { machine } = this.#attached();
    const count = machine.pageCount(vm);
    let ppn = this.#givenUpCursors.get(vm) ?? 0;
    for (let scanned = 0; scanned < count; scanned++, ppn = (ppn + 1) % count) {
      const usage = machine.pageUsage(vm, ppn);
      if (usage !== GuestPageUsage.Unused && usage !== GuestPageUsage.Volatile) continue;
      const state = machine.pageState(vm, ppn);
      if (state !== PageState.Private && state !== PageState.Shared) continue;
      this.#givenUpCursors.set(vm, (ppn + 1) % count);
      yield ppn;
    }
  }

  /**
   * FIFO: the pages resident longest. A page found not resident (swapped, ballooned, shared) leaves the
   * queue and is armed, so its return puts it at the tail; so is each victim. Pages that became resident
   * unseen (filled by the disk and not touched yet, or given back by a balloon) join in page order when the
   * queue runs dry.
   */
  *#firstIn(vm: VmId): Generator<Ppn> {
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
  *#clock(vm: VmId): Generator<Ppn> {
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
  *#oldest(vm: VmId): Generator<Ppn> {
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
      throw new HvsimError('no-traps', `${this.#owner}'s ${this.#policy} victims need the trap API`);
    const traps = trapsOf(vm);
    const count = machine.pageCount(vm);
    const referenced = new Uint8Array(count).fill(1);
    const resident = this.#policy === 'fifo' ? new PageQueue(count) : undefined;
    const channel = traps.register(this.#owner, (_vm, ppn) => {
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

  #attached(): MechanismAttachment {
    if (!this.#attachment)
      throw new HvsimError('not-attached', `the ${this.#owner} mechanism is not attached to a host`);
    return this.#attachment;
  }
}
