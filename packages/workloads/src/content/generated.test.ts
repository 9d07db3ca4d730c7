import { deflateRawSync } from 'node:zlib';
import { ContentStore } from '@hvsim/machine';
import { HvsimError, InvalidInputError, PAGE_SIZE, REAL_CONTENT_BASE, type VmId } from '@hvsim/spec';
import { contentModel, contentOptions, GeneratedContent } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';

const generated = (compressibility: number, store = new ContentStore(), pool = 64, salt = 0) =>
  new GeneratedContent({ compressibility, pool, salt }, store);

/** Mean share of a page a real codec (deflate) leaves, over the model's pool. */
function compressedShare(model: GeneratedContent, store: ContentStore): number {
  let bytes = 0;
  for (let p = 0; p < model.options.pool; p++)
    bytes += deflateRawSync(store.bytes(model.contentFor(p))!).length;
  return bytes / (model.options.pool * PAGE_SIZE);
}

describe('generated content model', () => {
  it.each([0, 0.25, 0.5, 0.75, 1])(
    'pages of compressibility %s lose about that share to a real codec',
    (c) => {
      const store = new ContentStore();
      const model = generated(c, store);
      expect(compressedShare(model, store)).toBeGreaterThan(1 - c - 0.03);
      expect(compressedShare(model, store)).toBeLessThan(1 - c + 0.03);
    },
  );

  it('holds a pool of distinct real pages, page n holding pool page n mod pool, never the zero page', () => {
    const store = new ContentStore();
    const model = generated(1, store, 8);
    const ids = Array.from({ length: 8 }, (_, p) => model.contentFor(p));
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(REAL_CONTENT_BASE);
    expect(new Set(ids).size).toBe(8);
    expect(model.contentFor(13)).toBe(ids[5]);
    expect(store.size).toBe(8);
  });

  it('makes the same pages for the same options and salt, other pages for another salt', () => {
    const store = new ContentStore();
    const one = contentModel({ model: 'generated', pool: 4 }, { vm: 0 as VmId, contents: store });
    const two = contentModel({ model: 'generated', pool: 4 }, { vm: 1 as VmId, contents: store });
    const other = generated(0.5, store, 4, 7);
    for (let p = 0; p < 4; p++) {
      expect(two.contentFor(p)).toBe(one.contentFor(p));
      expect(other.contentFor(p)).not.toBe(one.contentFor(p));
    }
  });

  it('takes its options from a scenario, with defaults, and names a bad field', () => {
    expect(contentOptions.parse('generated')).toEqual({
      model: 'generated',
      compressibility: 0.5,
      pool: 1024,
      salt: 0,
    });
    expect(() => contentModel({ model: 'generated', compressibility: 1.5 }, { vm: 0 as VmId })).toThrow(
      /compressibility: Too big/,
    );
    expect(() => contentModel({ model: 'generated', pool: 0 }, { vm: 0 as VmId })).toThrow(/pool: Too small/);
    expect(() => contentModel('generated', { vm: 0 as VmId })).toThrow(HvsimError);
    expect(() => generated(-0.1)).toThrow(InvalidInputError);
    expect(() => generated(0.5, new ContentStore(), 2 ** 21)).toThrow(/pool: expected a whole number/);
  });
});
