import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '@hvsim/machine';
import { PAGE_SIZE, type VmId } from '@hvsim/spec';
import {
  type ContentOptionsInput,
  contentModel,
  contentOrigin,
  type GeneratedContent,
  type MixContent,
  SpatialSample,
} from '@hvsim/workloads';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'content-miniature-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vm = 2 as VmId;
const model = (options: ContentOptionsInput, scale?: number) =>
  contentModel(options, { vm, contents: new ContentStore(), ...(scale === undefined ? {} : { scale }) });

/** Distinct contents the model writes over pages [0, pages) of the given class. */
function distinct(m: { contentFor(vpn: number): number }, pages: number, cls: string): number {
  const ids = new Set<number>();
  for (let vpn = 0; vpn < pages; vpn++) {
    const id = m.contentFor(vpn);
    if (contentOrigin(id).class === cls) ids.add(id);
  }
  return ids.size;
}

/** A file of `pages` distinct pages: page i starts with its index. */
function numberedFile(pages: number): string {
  const bytes = new Uint8Array(pages * PAGE_SIZE);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pages; i++) view.setUint32(i * PAGE_SIZE, i + 1, true);
  const path = join(dir, `numbered-${pages}.img`);
  writeFileSync(path, bytes);
  return path;
}

describe('content models in a miniature', () => {
  it('divide the per-VM duplicate pool by the scale, at least 1, and keep it at scale 1', () => {
    expect(distinct(model({ model: 'duplicate', pool: 320 }, 10), 10_000, 'duplicate')).toBe(32);
    expect(distinct(model({ model: 'duplicate', pool: 320 }, 1), 10_000, 'duplicate')).toBe(320);
    expect(distinct(model({ model: 'duplicate', pool: 320 }), 10_000, 'duplicate')).toBe(320);
    expect(distinct(model({ model: 'duplicate', pool: 3 }, 64), 1000, 'duplicate')).toBe(1);
    expect(distinct(model({ model: 'mix', pool: 320 }, 10), 20_000, 'duplicate')).toBe(32);
  });

  it('divide the generated pool by the scale', () => {
    expect((model({ model: 'generated', pool: 1024 }, 16) as GeneratedContent).options.pool).toBe(64);
    expect((model({ model: 'generated', pool: 1024 }) as GeneratedContent).options.pool).toBe(1024);
  });

  it('mix keeps its fractions over the pages of a miniature VM (a stable hash of the page)', () => {
    // 65536 pages at scale 16: 4096 pages. Each share is binomial: within 5 standard deviations.
    const pages = 4096;
    const mix = model({ model: 'mix' }, 16) as MixContent;
    const counts = { zero: 0, 'os-image': 0, duplicate: 0, unique: 0 };
    for (let vpn = 0; vpn < pages; vpn++) counts[mix.classOf(vpn)]++;
    for (const [cls, p] of [
      ['zero', 0.05],
      ['os-image', 0.2],
      ['duplicate', 0.05],
      ['unique', 0.7],
    ] as const) {
      expect(Math.abs(counts[cls] - p * pages)).toBeLessThan(5 * Math.sqrt(pages * p * (1 - p)));
    }
  });

  it('a file is the spatial sample of its pages, in file order, the same in every VM', () => {
    const pages = 4000;
    const path = numberedFile(pages);
    const store = new ContentStore();
    const ctx = (v: number) => ({ vm: v as VmId, contents: store, scale: 8 });
    const one = contentModel({ model: 'file', path }, ctx(0));
    const two = contentModel({ model: 'file', path }, ctx(1));
    const sample = new SpatialSample(8);
    const kept = Array.from({ length: pages }, (_, i) => i).filter((i) => sample.keeps(i, 0));
    // Binomial(4000, 1/8): 500 ± 21.
    expect(Math.abs(kept.length - 500)).toBeLessThan(105);
    for (let v = 0; v < kept.length * 2; v++) {
      const id = one.contentFor(v);
      expect(two.contentFor(v)).toBe(id);
      const bytes = store.bytes(id)!;
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)).toBe(
        kept[v % kept.length]! + 1,
      );
    }
  });

  it('a file too small for the sample keeps its first page', () => {
    const store = new ContentStore();
    const file = contentModel({ model: 'file', path: numberedFile(3) }, { vm, contents: store, scale: 4096 });
    expect(new Set([0, 1, 2, 3].map((v) => file.contentFor(v))).size).toBe(1);
    expect(store.bytes(file.contentFor(0))![0]).toBe(1);
  });
});
