import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { type AdmittedVm, admissionRefusal } from './admission';

const vm = fc
  .record({ min: fc.nat(400), extra: fc.nat(400), overhead: fc.nat(50) })
  .map(({ min, extra, overhead }) => ({ min, max: min + extra, overhead }));

test.prop([
  fc.array(fc.oneof(fc.record({ on: vm }), fc.record({ off: fc.nat() })), { maxLength: 60 }),
  fc.record({ memory: fc.nat(2000), swap: fc.nat(2000) }),
])(
  'keeps every min + overhead in memory and every max − min in swap, whatever powers on and off',
  (steps, limits) => {
    const running: AdmittedVm[] = [];
    for (const step of steps) {
      if ('on' in step) {
        const refusal = admissionRefusal(running, step.on, limits);
        if (refusal === undefined) running.push(step.on);
        else expect(refusal.needed).toBeGreaterThan(limits[refusal.limit]);
      } else if (running.length > 0) running.splice(step.off % running.length, 1);
      expect(running.reduce((sum, v) => sum + v.min + v.overhead, 0)).toBeLessThanOrEqual(limits.memory);
      expect(running.reduce((sum, v) => sum + v.max - v.min, 0)).toBeLessThanOrEqual(limits.swap);
    }
  },
);

it('says which reservation does not fit', () => {
  const limits = { memory: 100, swap: 50 };
  expect(admissionRefusal([], { min: 90, max: 120, overhead: 20 }, limits)).toEqual({
    limit: 'memory',
    needed: 110,
    available: 100,
  });
  expect(admissionRefusal([], { min: 10, max: 80, overhead: 0 }, limits)).toEqual({
    limit: 'swap',
    needed: 70,
    available: 50,
  });
  expect(
    admissionRefusal([{ min: 10, max: 40, overhead: 5 }], { min: 10, max: 30, overhead: 5 }, limits),
  ).toBeUndefined();
});
