import { checkInvariants, type Machine } from '@hvsim/machine';
import { createOpBatch, OpKind, PageState, time } from '@hvsim/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CMM_OOM_PAGES, type CmmModule } from './cmm';
import { testGuest } from './guest.fixture';
import type { GuestKernel } from './guest-kernel';
import { checkGuestInvariants } from './invariants';
import type { GuestOptionsInput } from './options';
import { GuestOutOfMemoryError, PageUse } from './page-use';

/** A booted 100-page guest with the module loaded: 10 pages per second per pool, half the VM at most. */
function cmmGuest(
  cmm: NonNullable<GuestOptionsInput['cmm']> = {},
  guest: GuestOptionsInput = {},
  pages = 100,
): { machine: Machine; guest: GuestKernel; cmm: CmmModule } {
  const made = testGuest({
    pages,
    guest: {
      kernel: 2,
      swap: 2 * pages,
      bootTime: 0,
      ...guest,
      cmm: { installed: true, limit: 0.5, rate: 0.1, ...cmm },
    },
  });
  return { ...made, cmm: made.guest.cmm! };
}

/** The guest computes for `seconds` of VM time, then runs on: its thread works as the guest runs. */
function runFor(guest: GuestKernel, seconds: number): void {
  for (const ns of [time.s(seconds), 0]) {
    const batch = createOpBatch(1);
    batch.kind[0] = OpKind.Compute;
    batch.target[0] = ns;
    batch.length = 1;
    guest.execute(batch);
  }
  checkGuestInvariants(guest);
}

/** Writes `content + vpn` to virtual pages [0, count). */
function fill(guest: GuestKernel, count: number, content = 1000): void {
  const batch = createOpBatch(count);
  for (let vpn = 0; vpn < count; vpn++) {
    batch.kind[vpn] = OpKind.Write;
    batch.target[vpn] = vpn;
    batch.content[vpn] = content + vpn;
  }
  batch.length = count;
  guest.execute(batch);
}

const pooledPages = (guest: GuestKernel): number[] =>
  [...guest.use.keys()].filter((ppn) => guest.use[ppn] === PageUse.Cmm);

describe('the cmm module (CMM1)', () => {
  it('is loaded only when the guest options ask for it, and keeps to its limit', () => {
    expect(testGuest().guest.cmm).toBeUndefined();
    const { cmm } = cmmGuest();
    expect(cmm.limit).toBe(50);
    cmm.shrink(80);
    expect(cmm.target).toBe(50);
    cmm.shrink(-3);
    expect(cmm.target).toBe(0);
  });

  it('does nothing while the guest boots', () => {
    const { machine, guest, cmm } = cmmGuest({}, { bootTime: '1s' });
    cmm.shrink(10);
    runFor(guest, 0.5);
    expect(cmm.available).toBe(false);
    expect(cmm.pages).toBe(0);
    runFor(guest, 1);
    expect(cmm.available).toBe(true);
    expect(cmm.pages).toBe(10);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(10);
  });

  it('SHRINK sets the static target outright; the pool follows at its rate, each page a DIAG 10', () => {
    const { machine, guest, cmm } = cmmGuest({ diag10: '3us' });
    cmm.shrink(30);
    cmm.shrink(25); // absolute: not 55
    expect(cmm.target).toBe(25);
    machine.charge(guest.vm, time.s(1));
    const before = machine.vmTime(guest.vm);
    cmm.poll();
    expect(cmm.pages).toBe(10); // a second's worth
    expect(machine.vmTime(guest.vm) - before).toBe(10 * time.us(3));
    expect(machine.pagePartition(guest.vm).ballooned).toBe(10);
    runFor(guest, 2);
    expect(cmm.pages).toBe(25);
    runFor(guest, 1);
    expect(cmm.pages).toBe(25);
    cmm.shrink(5);
    runFor(guest, 1);
    expect(cmm.pages).toBe(15);
    runFor(guest, 5);
    expect(cmm.pages).toBe(5);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(5);
    checkInvariants(machine);
  });

  it('takes its pages through the guest allocator: the guest pages out to make room, and loses nothing', () => {
    const { machine, guest, cmm } = cmmGuest();
    fill(guest, 95); // 3 pages left free
    cmm.shrink(40);
    runFor(guest, 4);
    expect(cmm.pages).toBe(40);
    expect(guest.counters().guestSwapOuts).toBeGreaterThanOrEqual(37);
    for (let vpn = 0; vpn < 95; vpn++) expect(guest.peekVirtual(vpn)).toBe(1000 + vpn);
    checkInvariants(machine);
  });

  it('gives pages back zeroed: the host forgot them, and the guest touching one is no balloon pop', () => {
    const { machine, guest, cmm } = cmmGuest({ rate: 1 });
    fill(guest, 98);
    fill(guest, 98, 5000); // every page held data
    cmm.shrink(20);
    runFor(guest, 1);
    const taken = pooledPages(guest);
    expect(taken).toHaveLength(20);
    for (const ppn of taken) expect(machine.pageState(guest.vm, ppn)).toBe(PageState.Ballooned);
    cmm.shrink(0);
    runFor(guest, 1);
    expect(cmm.pages).toBe(0);
    for (const ppn of taken) {
      expect(machine.pageState(guest.vm, ppn)).toBe(PageState.Unbacked);
      expect(machine.read(guest.vm, ppn)).toBe(0);
    }
    expect(machine.counters(guest.vm).balloonPops).toBe(0);
  });

  it('RELEASE adds to the timed target; REUSE then lowers it every period, down to 0', () => {
    const { guest, cmm } = cmmGuest();
    cmm.release(10);
    cmm.release(5);
    expect(cmm.timedTarget).toBe(15);
    runFor(guest, 2);
    expect(cmm.timedPages).toBe(15);
    cmm.reuse(4, time.s(1));
    expect(cmm.timeout).toEqual({ pages: 4, every: time.s(1) });
    runFor(guest, 1);
    expect(cmm.timedTarget).toBe(11);
    expect(cmm.timedPages).toBe(11);
    runFor(guest, 2);
    expect(cmm.timedTarget).toBe(3);
    runFor(guest, 1);
    expect(cmm.timedTarget).toBe(0); // 3 − 4, floored
    expect(cmm.timedPages).toBe(0);
    cmm.release(6); // the timer re-arms once the pool holds pages again
    runFor(guest, 1);
    expect(cmm.timedPages).toBe(6);
    runFor(guest, 1);
    expect(cmm.timedTarget).toBe(2);
  });

  it('keeps both pools together within its limit', () => {
    const { guest, cmm } = cmmGuest();
    cmm.shrink(40);
    cmm.release(30);
    runFor(guest, 10);
    expect(cmm.pages + cmm.timedPages).toBe(cmm.limit);
    expect(cmm.target).toBe(40); // still asked for; waiting for room
  });

  it('lowers a target to what its pool holds when the guest has no page to give', () => {
    const { guest, cmm } = cmmGuest({}, { swap: 0 });
    fill(guest, 95); // anonymous pages and no swap: only 3 free pages can go
    cmm.shrink(20);
    runFor(guest, 2);
    expect(cmm.pages).toBe(3);
    expect(cmm.target).toBe(3);
  });

  it('gives back 256 pages when the guest runs out of memory, the timed pool first, and resets both targets', () => {
    const { guest, cmm } = cmmGuest({ limit: 0.8, rate: 1 }, { kernel: 10, swap: 0 }, 1000);
    cmm.shrink(300);
    cmm.release(100);
    runFor(guest, 1);
    expect([cmm.pages, cmm.timedPages]).toEqual([300, 100]);
    fill(guest, 590); // every free page
    fill(guest, 591);
    expect([cmm.pages, cmm.target, cmm.timedPages, cmm.timedTarget]).toEqual([
      300 + 100 - CMM_OOM_PAGES,
      300 + 100 - CMM_OOM_PAGES,
      0,
      0,
    ]);
    fill(guest, 590 + 256 + 144); // the next out-of-memory empties the static pool
    expect(cmm.pages).toBe(0);
    expect(() => fill(guest, 991)).toThrow(GuestOutOfMemoryError); // nothing left to give
  });

  it('lives beside the balloon driver: each holds pages of its own', () => {
    const { machine, guest, cmm } = cmmGuest({}, { balloon: { limit: 0.5, rate: 0.1, installed: true } });
    guest.balloon.setTarget(10);
    cmm.shrink(10);
    runFor(guest, 1);
    expect([guest.balloon.size, cmm.pages]).toEqual([10, 10]);
    expect(machine.pagePartition(guest.vm).ballooned).toBe(20);
  });

  it('names a bad option by its path', () => {
    expect(() => testGuest({ guest: { cmm: { limit: 2 } } })).toThrow(/cmm\.limit/);
    expect(() => testGuest({ guest: { cmm: { diag10: 'quick' } } })).toThrow(/cmm\.diag10/);
  });
});

/** A command the host or the guest's run gives the module, for the properties below. */
type Action =
  | { readonly kind: 'shrink'; readonly pages: number }
  | { readonly kind: 'release'; readonly pages: number }
  | { readonly kind: 'reuse'; readonly pages: number; readonly every: number }
  | { readonly kind: 'run'; readonly ns: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('shrink' as const), pages: fc.nat(70) }),
  fc.record({ kind: fc.constant('release' as const), pages: fc.nat(70) }),
  fc.record({
    kind: fc.constant('reuse' as const),
    pages: fc.nat(8),
    every: fc.integer({ min: 0, max: 3e9 }),
  }),
  fc.record({ kind: fc.constant('run' as const), ns: fc.integer({ min: 0, max: 2e9 }) }),
);

describe('cmm properties (cmm-satori-meb.md §1.5, property 10)', () => {
  it('each pool moves toward its target by at most rate × Δt (rounded up); the pools keep within N − minGuest', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 0.9, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.array(action, { maxLength: 40 }),
        (limit, rate, actions) => {
          const { machine, guest, cmm } = cmmGuest({ limit, rate }, { swap: 100, addressSpace: 100 });
          const perSecond = Math.max(1, Math.floor(rate * 100));
          fill(guest, 60);
          let last = machine.vmTime(guest.vm);
          cmm.poll();
          for (const a of actions) {
            if (a.kind === 'shrink') cmm.shrink(a.pages);
            else if (a.kind === 'release') cmm.release(a.pages);
            else if (a.kind === 'reuse') cmm.reuse(a.pages, a.every);
            else {
              machine.charge(guest.vm, a.ns);
              const now = machine.vmTime(guest.vm);
              const before = [cmm.pages, cmm.timedPages];
              cmm.poll();
              const bound = Math.ceil((perSecond * (now - last)) / 1e9);
              last = now;
              const pools = [
                [before[0]!, cmm.pages, cmm.target],
                [before[1]!, cmm.timedPages, cmm.timedTarget],
              ] as const;
              for (const [from, to, target] of pools) {
                expect(Math.abs(to - from)).toBeLessThanOrEqual(bound);
                expect(to).toBeGreaterThanOrEqual(Math.min(from, target));
                expect(to).toBeLessThanOrEqual(Math.max(from, target));
              }
            }
            // N − minGuest: what the limit leaves the guest is never pooled.
            expect(cmm.pages + cmm.timedPages).toBeLessThanOrEqual(Math.floor(limit * 100));
          }
          checkGuestInvariants(guest);
        },
      ),
    );
  });

  it('REUSE lowers the timed target by exactly its pages every period, until 0, whenever the guest looks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.nat(10),
        fc.integer({ min: 1, max: 5e9 }),
        fc.array(fc.integer({ min: 0, max: 4e9 }), { maxLength: 20 }),
        (released, pages, every, steps) => {
          const { machine, guest, cmm } = cmmGuest({ rate: 1 });
          cmm.release(released);
          const armed = machine.vmTime(guest.vm);
          cmm.reuse(pages, every);
          for (const ns of steps) {
            machine.charge(guest.vm, ns);
            const elapsed = machine.vmTime(guest.vm) - armed;
            cmm.poll();
            expect(cmm.timedTarget).toBe(Math.max(0, released - Math.floor(elapsed / every) * pages));
          }
        },
      ),
    );
  });

  it('out of memory, the module frees min(256, its pools) pages, the timed pool first, and targets := current', () => {
    fc.assert(
      fc.property(fc.nat(400), fc.nat(400), (statics, timed) => {
        const { guest, cmm } = cmmGuest({ limit: 0.9, rate: 1 }, {}, 1000);
        cmm.shrink(statics);
        cmm.release(timed);
        runFor(guest, 1);
        expect([cmm.pages, cmm.timedPages]).toEqual([statics, timed]);
        const freed = cmm.onOutOfMemory();
        expect(freed).toBe(Math.min(CMM_OOM_PAGES, statics + timed));
        const fromTimed = Math.min(timed, CMM_OOM_PAGES);
        expect(cmm.timedPages).toBe(timed - fromTimed);
        expect(cmm.pages).toBe(statics - (freed - fromTimed));
        expect([cmm.target, cmm.timedTarget]).toEqual([cmm.pages, cmm.timedPages]);
        expect(guest.freePages).toBeGreaterThanOrEqual(freed);
        checkGuestInvariants(guest);
      }),
      { numRuns: 30 },
    );
  });
});
