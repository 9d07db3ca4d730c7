import { describe, expect, it } from 'vitest';
import type { DemandDetector, DetectorAttachment } from '../contracts/detector';
import type { VmId } from '../ids';
import type { RandomStream } from '../random';
import { checkDetectorConformance } from './detector-conformance';

/** A detector that arms page 0 of its VM and counts touches, with one fault injected by `fault`. */
function toy(fault?: 'other-vm' | 'left-armed' | 'fractional' | 'checks-down' | 'swap-after-detach') {
  return (_random: RandomStream): DemandDetector => {
    let attachment: DetectorAttachment | undefined;
    let channel = -1;
    let touched = 0;
    let checks = 10;
    return {
      contract: 'detector@1',
      name: 'toy',
      attach(a) {
        attachment = a;
        channel = a.traps.register('toy', () => touched++);
        a.traps.arm(channel, fault === 'other-vm' ? (1 as VmId) : a.vm, 0);
      },
      tick() {
        checks += fault === 'checks-down' ? -1 : 1;
      },
      estimate() {
        return { activePages: Math.min(touched, 1) + (fault === 'fractional' ? 0.5 : 0) };
      },
      get checks() {
        return checks;
      },
      onGuestSwapIn(ppn) {
        if (attachment && (fault === 'swap-after-detach' || channel !== -1)) {
          attachment.traps.arm(channel, attachment.vm, ppn);
        }
      },
      detach() {
        if (fault !== 'left-armed') attachment!.traps.unregister(channel);
        if (fault !== 'swap-after-detach') channel = -1;
      },
    };
  };
}

describe('checkDetectorConformance', () => {
  it('passes a detector that keeps the contract', () => {
    expect(() => checkDetectorConformance(toy(), { numRuns: 20 })).not.toThrow();
  });

  it.each([
    ['other-vm', /armed a trap on vm 1/],
    ['left-armed', /left armed after detach|still registered/],
    ['fractional', /whole pages/],
    ['checks-down', /checks went down/],
    ['swap-after-detach', /left armed after detach|not registered/],
  ] as const)('catches a detector that breaks it: %s', (fault, message) => {
    // fast-check reports the property's own error as the cause of its counterexample.
    let failure: unknown;
    try {
      checkDetectorConformance(toy(fault), { numRuns: 20 });
    } catch (error) {
      failure = error;
    }
    expect(String((failure as Error | undefined)?.cause)).toMatch(message);
  });
});
