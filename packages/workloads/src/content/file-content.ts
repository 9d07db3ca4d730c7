import { closeSync, openSync, readSync } from 'node:fs';
import { type ContentId, type ContentInterner, describeIoError, HvsimError, PAGE_SIZE } from '@hvsim/spec';
import { SpatialSample } from '../spatial-sample';
import type { ContentModel } from './content-model';

/**
 * Real contents: a file or disk image cut into 4 KiB pages (the last one padded with zeros), interned in
 * the host's content store, so equal pages of any VM or image get one id and engines can hash or compress
 * the real bytes. Page `vpn` of the workload holds page `vpn mod pages` of the file. The file is read once,
 * page by page; only the ids stay in this model (8 bytes a page), the bytes live in the store.
 *
 * In a miniature at `scale`, the file is the spatial sample of its pages (by page index, as traces sample
 * their ids): the kept pages, in file order, are the miniature's file, 1/scale of it, and only they are
 * interned. The same file gives the same pages in every VM, and two files that agree on a page index keep
 * it or drop it together; a file too small to keep any page keeps its first.
 */
export class FileContent implements ContentModel {
  readonly model = 'file';
  readonly path: string;
  readonly #ids: Float64Array;

  constructor(path: string, contents: ContentInterner | undefined, scale = 1) {
    if (!contents) {
      throw new HvsimError(
        'no-content-store',
        "the file content model needs the host's content store",
        'content.path',
      );
    }
    this.path = path;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new HvsimError(
        'unreadable-content',
        `cannot read ${path}: ${describeIoError(error)}`,
        'content.path',
      );
    }
    try {
      const ids: number[] = [];
      const page = new Uint8Array(PAGE_SIZE);
      const sample = scale === 1 ? undefined : new SpatialSample(scale);
      for (let index = 0; ; index++) {
        const filled = readPage(fd, index, page);
        if (filled === 0) break;
        if (sample === undefined || sample.keeps(index, 0)) ids.push(contents.intern(page));
        if (filled < PAGE_SIZE) break;
      }
      if (ids.length === 0 && readPage(fd, 0, page) > 0) ids.push(contents.intern(page));
      if (ids.length === 0) throw new HvsimError('empty-content', `${path} is empty`, 'content.path');
      this.#ids = Float64Array.from(ids);
    } finally {
      closeSync(fd);
    }
  }

  /** Pages of the file (of its sample, in a miniature). */
  get pages(): number {
    return this.#ids.length;
  }

  contentFor(vpn: number): ContentId {
    return this.#ids[vpn % this.#ids.length]!;
  }
}

/** Reads page `index` of the file into `page`, zero-padded; returns the bytes read, 0 past the end. */
function readPage(fd: number, index: number, page: Uint8Array): number {
  page.fill(0);
  const position = index * PAGE_SIZE;
  let filled = 0;
  while (filled < PAGE_SIZE) {
    const n = readSync(fd, page, filled, PAGE_SIZE - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
