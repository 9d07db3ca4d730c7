import { closeSync, openSync, readSync } from 'node:fs';
import { type ContentId, type ContentInterner, describeIoError, HvsimError, PAGE_SIZE } from '@hvsim/spec';
import type { ContentModel } from './content-model';

/**
 * Real contents: a file or disk image cut into 4 KiB pages (the last one padded with zeros), interned in
 * the host's content store, so equal pages of any VM or image get one id and engines can hash or compress
 * the real bytes. Page `vpn` of the workload holds page `vpn mod pages` of the file. The file is read once,
 * page by page; only the ids stay in this model (8 bytes a page), the bytes live in the store.
 */
export class FileContent implements ContentModel {
  readonly model = 'file';
  readonly path: string;
  readonly #ids: Float64Array;

  constructor(path: string, contents: ContentInterner | undefined) {
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
      for (let position = 0; ; position += PAGE_SIZE) {
        page.fill(0);
        let filled = 0;
        while (filled < PAGE_SIZE) {
          const n = readSync(fd, page, filled, PAGE_SIZE - filled, position + filled);
          if (n === 0) break;
          filled += n;
        }
        if (filled === 0) break;
        ids.push(contents.intern(page));
        if (filled < PAGE_SIZE) break;
      }
      if (ids.length === 0) throw new HvsimError('empty-content', `${path} is empty`, 'content.path');
      this.#ids = Float64Array.from(ids);
    } finally {
      closeSync(fd);
    }
  }

  /** Pages of the file. */
  get pages(): number {
    return this.#ids.length;
  }

  contentFor(vpn: number): ContentId {
    return this.#ids[vpn % this.#ids.length]!;
  }
}
