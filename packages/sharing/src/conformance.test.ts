import { checkInvariants, createMachine } from '@hvsim/machine';
import { checkSharingEngineConformance, type SharingHarness } from '@hvsim/spec/testing';
import { describe, it } from 'vitest';
import { contentBased } from './content-based';
import { ksm } from './ksm';
import { satori } from './satori';
import { transparent } from './transparent';

const emit = () => {};

/** A small host: three VMs of six pages, room for every page, swap for all. */
function harness(): SharingHarness {
  const machine = createMachine({ frames: 32, swapSlots: 18, refCountLimit: 3 });
  const vms = [0, 1, 2].map(() => machine.addVm({ pages: 6 }));
  return {
    machine,
    vms,
    pages: 6,
    checkInvariants: () => checkInvariants(machine),
    advance: (ns) => machine.advanceTo(machine.now + ns),
  };
}

/** Every sharing engine this package exports keeps the contract's properties (the suite any engine can run). */
describe('sharing engine conformance', () => {
  it('content-based', () => {
    checkSharingEngineConformance((random) => contentBased.create({}, { random, emit }), harness);
  });
  it('content-based, colliding hashes and salting per VM', () => {
    checkSharingEngineConformance(
      (random) => contentBased.create({ hashBits: 2, salting: 'vm' }, { random, emit }),
      harness,
    );
  });
  it('content-based, colliding hashes and salting by trust domain', () => {
    checkSharingEngineConformance(
      (random) => contentBased.create({ hashBits: 2, salting: 'domains' }, { random, emit }),
      harness,
      { domains: ['a', 'a', 'b'] },
    );
  });
  it('ksm', () => {
    checkSharingEngineConformance(
      (random) => ksm.create({ pagesToScan: 8, sleepMillisecs: 1 }, { random, emit }),
      harness,
      { ownRate: true },
    );
  });
  it('satori', () => {
    checkSharingEngineConformance((random) => satori.create({}, { random, emit }), harness);
  });
  it('transparent', () => {
    checkSharingEngineConformance((random) => transparent.create({}, { random, emit }), harness);
  });
});
