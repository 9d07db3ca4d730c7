import { InvariantViolation } from '@hvsim/spec';
import { describe, expect, it } from 'vitest';
import { testGuest } from './guest.fixture';
import type { GuestKernel } from './guest-kernel';
import { checkGuestInvariants, GUEST_INVARIANTS } from './invariants';
import { PageUse } from './page-use';

/** The violation `checkGuestInvariants` throws (failing the test when it throws none). */
function violation(guest: GuestKernel): InvariantViolation {
  try {
    checkGuestInvariants(guest);
  } catch (error) {
    if (error instanceof InvariantViolation) return error;
    throw error;
  }
  throw new Error('expected an invariant violation');
}

describe('checkGuestInvariants names what broke', () => {
  it("a free page marked in use: pages are used once, at the guest's VM and that page", () => {
    const { guest } = testGuest();
    checkGuestInvariants(guest);
    const ppn = [...guest.zeroed, ...guest.dirtyFree][0]!;
    guest.use[ppn] = PageUse.Anon;
    expect(violation(guest)).toMatchObject({
      invariant: GUEST_INVARIANTS.pages,
      vm: guest.vm,
      page: ppn,
    });
  });

  it('a page taken off the free list and used by nothing: pages are used once, naming that page', () => {
    const { guest } = testGuest();
    const free = guest.zeroed.size > 0 ? guest.zeroed : guest.dirtyFree;
    const ppn = free.pop();
    expect(violation(guest)).toMatchObject({
      invariant: GUEST_INVARIANTS.pages,
      vm: guest.vm,
      page: ppn,
      found: 'neither free nor in use',
    });
  });
});
