import { fc, test } from '@fast-check/vitest';
import { InvalidInputError, REAL_CONTENT_BASE, type VmId } from '@hvsim/spec';
import {
  contentOrigin,
  DUPLICATE_BASE,
  DUPLICATE_SLOTS_PER_VM,
  DuplicateContent,
  MAX_CONTENT_VMS,
  MAX_DUPLICATE_POOL,
  MAX_OS_IMAGES,
  MixContent,
  OS_IMAGE_BASE,
  OS_IMAGE_PAGES,
  OsImageContent,
  UNIQUE_BASE,
  UNIQUE_IDS_PER_VM,
  UniqueContent,
  ZeroContent,
} from '@hvsim/workloads';
import { describe, expect } from 'vitest';

const vmArb = fc.integer({ min: 0, max: MAX_CONTENT_VMS - 1 }).map((vm) => vm as VmId);
const twoVms = fc.uniqueArray(vmArb, { minLength: 2, maxLength: 2 }).map(([a, b]) => [a!, b!] as const);
const pagesArb = fc.array(fc.integer({ min: 0, max: OS_IMAGE_PAGES - 1 }), { minLength: 1, maxLength: 200 });

describe('content id layout', () => {
  test('class ranges tile [2^49, 2^52) without overlap, and stay below the content store', () => {
    expect(OS_IMAGE_BASE + MAX_OS_IMAGES * OS_IMAGE_PAGES).toBe(DUPLICATE_BASE);
    expect(DUPLICATE_BASE + MAX_CONTENT_VMS * DUPLICATE_SLOTS_PER_VM).toBe(UNIQUE_BASE);
    expect(UNIQUE_BASE + MAX_CONTENT_VMS * UNIQUE_IDS_PER_VM).toBe(REAL_CONTENT_BASE);
    expect(REAL_CONTENT_BASE).toBe(2 ** 52);
    expect(MAX_DUPLICATE_POOL).toBeLessThanOrEqual(DUPLICATE_SLOTS_PER_VM);
  });

  test('the extreme VM and image stay inside their ranges', () => {
    const last = (MAX_CONTENT_VMS - 1) as VmId;
    expect(contentOrigin(new UniqueContent(last).contentFor(0))).toEqual({ class: 'unique', vm: last });
    const dup = new DuplicateContent(last, MAX_DUPLICATE_POOL);
    for (let vpn = 0; vpn < 1000; vpn++) {
      const id = dup.contentFor(vpn);
      expect(id).toBeLessThan(UNIQUE_BASE);
      expect(contentOrigin(id)).toEqual({ class: 'duplicate', vm: last });
    }
    const os = new OsImageContent(MAX_OS_IMAGES - 1);
    expect(os.contentFor(OS_IMAGE_PAGES - 1)).toBe(DUPLICATE_BASE - 1);
    expect(contentOrigin(os.contentFor(2 ** 53 - 1))).toEqual({
      class: 'os-image',
      image: MAX_OS_IMAGES - 1,
    });
  });

  test('contentOrigin tells zero and foreign ids apart', () => {
    expect(contentOrigin(0)).toEqual({ class: 'zero' });
    expect(contentOrigin(1)).toEqual({ class: 'other' });
    expect(contentOrigin(OS_IMAGE_BASE - 1)).toEqual({ class: 'other' });
    expect(contentOrigin(REAL_CONTENT_BASE)).toEqual({ class: 'other' });
    expect(contentOrigin(0.5)).toEqual({ class: 'other' });
  });

  test.prop([twoVms, pagesArb])('unique contents never meet, across VMs or writes', ([a, b], pages) => {
    const ma = new UniqueContent(a);
    const mb = new UniqueContent(b);
    const seen = new Set<number>();
    for (const vpn of pages) {
      for (const [model, vm] of [
        [ma, a],
        [mb, b],
      ] as const) {
        const id = model.contentFor(vpn);
        expect(Number.isSafeInteger(id) && id < REAL_CONTENT_BASE).toBe(true);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
        expect(contentOrigin(id)).toEqual({ class: 'unique', vm });
      }
    }
  });

  test.prop([twoVms, pagesArb, fc.integer({ min: 1, max: MAX_DUPLICATE_POOL })])(
    'duplicate contents repeat within a VM and never cross to another',
    ([a, b], pages, pool) => {
      const da = new DuplicateContent(a, pool);
      const db = new DuplicateContent(b, pool);
      const idsA = new Set(pages.map((vpn) => da.contentFor(vpn)));
      const idsB = new Set(pages.map((vpn) => db.contentFor(vpn)));
      expect(idsA.size).toBeLessThanOrEqual(Math.min(pool, pages.length));
      for (const id of idsA) {
        expect(idsB.has(id)).toBe(false);
        expect(contentOrigin(id)).toEqual({ class: 'duplicate', vm: a });
      }
      for (const vpn of pages) expect(da.contentFor(vpn)).toBe(da.contentFor(vpn));
    },
  );

  test.prop([twoVms, pagesArb, fc.integer({ min: 0, max: MAX_OS_IMAGES - 1 })])(
    'os-image contents are the same in every VM, and differ from page to page',
    ([a, b], pages, image) => {
      // The model does not even take a VM: its contents cannot depend on one.
      const inA = new MixContent(a, { zero: 0, osImage: 1, duplicate: 0 }, { image });
      const inB = new MixContent(b, { zero: 0, osImage: 1, duplicate: 0 }, { image });
      const os = new OsImageContent(image);
      for (const vpn of pages) {
        const id = os.contentFor(vpn);
        expect(inA.contentFor(vpn)).toBe(id);
        expect(inB.contentFor(vpn)).toBe(id);
        expect(contentOrigin(id)).toEqual({ class: 'os-image', image });
      }
      const distinct = new Set(pages);
      expect(new Set(pages.map((vpn) => os.contentFor(vpn))).size).toBe(distinct.size);
    },
  );

  test.prop([twoVms, pagesArb])(
    'mix contents of two VMs meet only on zero and os-image pages',
    ([a, b], pages) => {
      const ma = new MixContent(a, { zero: 0.2, osImage: 0.3, duplicate: 0.2 });
      const mb = new MixContent(b, { zero: 0.2, osImage: 0.3, duplicate: 0.2 });
      const idsA = new Map<number, number>();
      for (const vpn of pages) idsA.set(ma.contentFor(vpn), vpn);
      for (const vpn of pages) {
        const id = mb.contentFor(vpn);
        const origin = contentOrigin(id);
        expect(origin.class).toBe(mb.classOf(vpn));
        if (origin.class === 'duplicate' || origin.class === 'unique') {
          expect(origin.vm).toBe(b);
          expect(idsA.has(id)).toBe(false);
        }
      }
    },
  );

  test('zero content is 0', () => {
    expect(new ZeroContent().contentFor(123)).toBe(0);
  });

  test.each([-1, MAX_CONTENT_VMS, 1.5])('rejects VM %d, which the layout cannot keep apart', (vm) => {
    expect(() => new UniqueContent(vm as VmId)).toThrow(InvalidInputError);
    expect(() => new DuplicateContent(vm as VmId)).toThrow(/vm: content models keep VMs apart/);
  });
});
