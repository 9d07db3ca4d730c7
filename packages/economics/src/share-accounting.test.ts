import { fc, test } from '@fast-check/vitest';
import { expect, it } from 'vitest';
import { chargedPages, SHARE_CHARGING } from './share-accounting';

it('charges a shared page to every mapper, evenly, or to its first owner', () => {
  const privatePages = [10, 5, 0];
  const frames = [
    [0, 1],
    [0, 1, 2],
    [2, 2],
  ]; // the last: one VM mapping a frame at two pages
  expect(Array.from(chargedPages('every-mapper', privatePages, frames))).toEqual([12, 7, 3]);
  expect(Array.from(chargedPages('split', privatePages, frames))).toEqual([
    10 + 1 / 2 + 1 / 3,
    5 + 1 / 2 + 1 / 3,
    1 / 3 + 1,
  ]);
  expect(Array.from(chargedPages('first-owner', privatePages, frames))).toEqual([12, 5, 1]);
  expect(() => chargedPages('split', privatePages, [[]])).toThrow(/^sharedFrames\[0\]: /);
  expect(() => chargedPages('split', privatePages, [[3]])).toThrow(/^sharedFrames\[0\]\[0\]: /);
});

test.prop([
  fc.array(fc.nat(100), { minLength: 1, maxLength: 6 }),
  fc.array(fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }), { maxLength: 30 }),
])(
  'every mode charges each frame once in total except every-mapper, which charges its mappings; none charges a VM more than it maps',
  (privatePages, raw) => {
    const frames = raw.map((mappers) => mappers.map((vm) => vm % privatePages.length));
    const mapped = Float64Array.from(privatePages);
    for (const mappers of frames) for (const vm of mappers) mapped[vm]!++;
    const total = privatePages.reduce((a, b) => a + b, 0);
    for (const charging of SHARE_CHARGING) {
      const charged = chargedPages(charging, privatePages, frames);
      const sum = charged.reduce((a, b) => a + b, 0);
      const expected =
        charging === 'every-mapper' ? mapped.reduce((a, b) => a + b, 0) : total + frames.length;
      expect(sum).toBeCloseTo(expected, 9);
      charged.forEach((c, i) => {
        expect(c).toBeGreaterThanOrEqual(privatePages[i]!);
        expect(c).toBeLessThanOrEqual(mapped[i]! + 1e-9);
      });
    }
  },
);
