import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentStore } from '@hvsim/machine';
import { HvsimError, PAGE_SIZE, REAL_CONTENT_BASE, type VmId } from '@hvsim/spec';
import { contentModel } from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';
import { FileContent } from './file-content';

/** A file of pages A, zeros, A, B, and a partial last page (C padded with zeros). */
function image(): { path: string; pages: Uint8Array[] } {
  const a = new Uint8Array(PAGE_SIZE).fill(1);
  const zero = new Uint8Array(PAGE_SIZE);
  const b = new Uint8Array(PAGE_SIZE).fill(2);
  const c = new Uint8Array(100).fill(3);
  const path = join(mkdtempSync(join(tmpdir(), 'file-content-')), 'disk.img');
  writeFileSync(path, Buffer.concat([a, zero, a, b, c]));
  const padded = new Uint8Array(PAGE_SIZE);
  padded.set(c);
  return { path, pages: [a, zero, a, b, padded] };
}

describe('file content model', () => {
  it('cuts a file into pages, interned: equal pages one id, zeros the zero page, the last page padded', () => {
    const { path, pages } = image();
    const store = new ContentStore();
    const model = new FileContent(path, store);
    expect(model.pages).toBe(5);
    const ids = [0, 1, 2, 3, 4].map((p) => model.contentFor(p));
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).toBe(0);
    expect(new Set(ids).size).toBe(4);
    for (const id of [ids[0]!, ids[3]!, ids[4]!]) expect(id).toBeGreaterThanOrEqual(REAL_CONTENT_BASE);
    for (const [p, id] of ids.entries()) expect(store.bytes(id)).toEqual(pages[p]);
    expect(model.contentFor(7)).toBe(ids[2]); // page 7 holds page 7 mod 5
  });

  it('gives two VMs reading one image the same ids through one store', () => {
    const { path } = image();
    const store = new ContentStore();
    const one = contentModel({ model: 'file', path }, { vm: 0 as VmId, contents: store });
    const two = contentModel({ model: 'file', path }, { vm: 1 as VmId, contents: store });
    expect([0, 1, 2, 3, 4].map((p) => one.contentFor(p))).toEqual(
      [0, 1, 2, 3, 4].map((p) => two.contentFor(p)),
    );
  });

  it('names the path when the file cannot be read or the host has no store', () => {
    expect(() => new FileContent('/nonexistent/disk.img', new ContentStore())).toThrow(
      /cannot read \/nonexistent/,
    );
    expect(() => new FileContent(image().path, undefined)).toThrow(HvsimError);
  });
});
