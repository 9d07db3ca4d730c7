import { fc, test } from '@fast-check/vitest';
import { InvalidInputError, type VmId } from '@hvsim/spec';
import { contentOrigin, DEFAULT_MIX, MixContent } from '@hvsim/workloads';
import { describe, expect } from 'vitest';

const PAGES = 200_000;

function classShares(model: MixContent) {
  const counts = { zero: 0, 'os-image': 0, duplicate: 0, unique: 0 };
  for (let vpn = 0; vpn < PAGES; vpn++) counts[model.classOf(vpn)]++;
  return {
    zero: counts.zero / PAGES,
    osImage: counts['os-image'] / PAGES,
    duplicate: counts.duplicate / PAGES,
    unique: counts.unique / PAGES,
  };
}

describe('mix content', () => {
  test('default fractions: 5% zero, 20% os-image, 5% duplicate, 70% unique', () => {
    expect(DEFAULT_MIX).toEqual({ zero: 0.05, osImage: 0.2, duplicate: 0.05 });
    const shares = classShares(new MixContent(0 as VmId));
    expect(shares.zero).toBeCloseTo(0.05, 2);
    expect(shares.osImage).toBeCloseTo(0.2, 2);
    expect(shares.duplicate).toBeCloseTo(0.05, 2);
    expect(shares.unique).toBeCloseTo(0.7, 2);
  });

  test.prop(
    [
      fc
        .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer(),
    ],
    { numRuns: 20 },
  )('class shares follow the fractions within 1 point', ([cut1, cut2], dupShare, salt) => {
    const fractions = { zero: cut1, osImage: cut2 - cut1, duplicate: (1 - cut2) * dupShare };
    const shares = classShares(new MixContent(3 as VmId, fractions, { salt }));
    expect(Math.abs(shares.zero - fractions.zero)).toBeLessThan(0.01);
    expect(Math.abs(shares.osImage - fractions.osImage)).toBeLessThan(0.01);
    expect(Math.abs(shares.duplicate - fractions.duplicate)).toBeLessThan(0.01);
  });

  test('writes store the content of the page class', () => {
    const model = new MixContent(7 as VmId, { zero: 0.25, osImage: 0.25, duplicate: 0.25 }, { pool: 4 });
    const dups = new Set<number>();
    for (let vpn = 0; vpn < 10_000; vpn++) {
      const id = model.contentFor(vpn);
      const cls = model.classOf(vpn);
      expect(contentOrigin(id).class).toBe(cls);
      if (cls === 'zero') expect(id).toBe(0);
      if (cls === 'duplicate') dups.add(id);
    }
    expect(dups.size).toBe(4);
    // A unique page gets a new content on every write; other classes keep theirs.
    const uniquePage = [...Array(100).keys()].find((vpn) => model.classOf(vpn) === 'unique')!;
    expect(model.contentFor(uniquePage)).not.toBe(model.contentFor(uniquePage));
    const osPage = [...Array(100).keys()].find((vpn) => model.classOf(vpn) === 'os-image')!;
    expect(model.contentFor(osPage)).toBe(model.contentFor(osPage));
  });

  test('identical VMs classify pages identically; another salt reshuffles them', () => {
    const a = new MixContent(1 as VmId);
    const b = new MixContent(2 as VmId);
    const c = new MixContent(1 as VmId, DEFAULT_MIX, { salt: 99 });
    let differ = 0;
    for (let vpn = 0; vpn < 5000; vpn++) {
      expect(a.classOf(vpn)).toBe(b.classOf(vpn));
      if (a.classOf(vpn) !== c.classOf(vpn)) differ++;
    }
    expect(differ).toBeGreaterThan(1000);
  });

  test('another image shares nothing with the first', () => {
    const a = new MixContent(1 as VmId, { zero: 0, osImage: 1, duplicate: 0 }, { image: 0 });
    const b = new MixContent(1 as VmId, { zero: 0, osImage: 1, duplicate: 0 }, { image: 1 });
    for (let vpn = 0; vpn < 100; vpn++) expect(a.contentFor(vpn)).not.toBe(b.contentFor(vpn));
  });

  test('rejects fractions that do not fit', () => {
    expect(() => new MixContent(0 as VmId, { zero: 0.5, osImage: 0.5, duplicate: 0.5 })).toThrow(
      /must not exceed 1/,
    );
    expect(() => new MixContent(0 as VmId, { zero: -0.1, osImage: 0, duplicate: 0 })).toThrow(
      InvalidInputError,
    );
  });
});
