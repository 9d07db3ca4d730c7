import { ContentNumbers, grown, type HashWords, splitHash } from '@hvsim/helpers';
import type { ImageFiles } from './image-files';

/**
 * The distinct page contents of a scan, each numbered (`ContentNumbers`) and known by its first page (file,
 * page) and whether a second page holds it, in arrays by number. Per file it tallies the contents whose
 * first page the file holds (`first`) and those of them no other page holds so far (`single`). The zero
 * content lives outside: its bytes are known, so it needs no number.
 */
export class ContentIndex {
  readonly first: Float64Array;
  readonly single: Float64Array;
  readonly #numbers = new ContentNumbers();
  readonly #hash: HashWords = { hi: 0, lo: 0 };
  #file = new Uint32Array(1024);
  #page = new Float64Array(1024);
  #shared = new Uint8Array(1024);
  #unshared = 0;
  #zeroFile = -1;
  #zeroPages = 0;

  constructor(files: number) {
    this.first = new Float64Array(files);
    this.single = new Float64Array(files);
  }

  /**
   * Counts page `page` of `file`, which is the chunk's page at byte `offset` of `images` and hashes to `h`:
   * a hash match is compared in full with the content's first page before the page counts as that content.
   */
  add(h: bigint, images: ImageFiles, offset: number, file: number, page: number): void {
    splitHash(h, this.#hash);
    const { hi, lo } = this.#hash;
    const found = this.#numbers.find(hi, lo, (n) => images.samePage(offset, this.#file[n]!, this.#page[n]!));
    if (found >= 0) {
      if (this.#shared[found] === 0) {
        this.#shared[found] = 1;
        this.#nowShared(this.#file[found]!);
      }
      return;
    }
    const n = this.#numbers.add(hi, lo);
    if (n === this.#file.length) {
      this.#file = grown(this.#file);
      this.#page = grown(this.#page);
      this.#shared = grown(this.#shared);
    }
    this.#file[n] = file;
    this.#page[n] = page;
    this.#newContent(file);
  }

  /** Counts a page of zeros in `file`. */
  addZero(file: number): void {
    if (this.#zeroPages === 0) {
      this.#zeroFile = file;
      this.#newContent(file);
    } else if (this.#zeroPages === 1) this.#nowShared(this.#zeroFile);
    this.#zeroPages++;
  }

  /** Distinct contents seen, the zero content included. */
  get distinct(): number {
    return this.#numbers.size + (this.#zeroPages > 0 ? 1 : 0);
  }

  /** Contents held by one page only. */
  get unshared(): number {
    return this.#unshared;
  }

  #newContent(file: number): void {
    this.first[file]!++;
    this.single[file]!++;
    this.#unshared++;
  }

  /** A content whose first page is in `file` has just been found a second time. */
  #nowShared(file: number): void {
    this.single[file]!--;
    this.#unshared--;
  }
}
