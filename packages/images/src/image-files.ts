import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeIoError, HvsimError, PAGE_SIZE } from '@hvsim/spec';

/** Pages per cached block: representatives of a run of duplicates are read 64 KiB at a time. */
const BLOCK_PAGES = 16;
const BLOCK_BYTES = BLOCK_PAGES * PAGE_SIZE;

/**
 * Files or disk images read as 4 KiB pages (the last one padded with zeros) with positional reads: one file
 * streamed through a chunk buffer, and any earlier page read back for a full compare. Those re-reads go
 * through a direct-mapped cache of 64 KiB blocks, so a run of duplicates of another image costs one read per
 * block, not one per page. Every file is opened up front, so a bad path fails before any work is done.
 */
export class ImageFiles {
  readonly #paths: readonly string[];
  readonly #fds: number[] = [];
  /** The current chunk: `#chunkPages` pages of file `#chunkFile` from page `#chunkFirst`. */
  readonly #chunk: Buffer;
  #chunkFile = -1;
  #chunkFirst = 0;
  #chunkPages = 0;
  readonly #blocks: Buffer;
  /** Which block of which file each cache slot holds (file -1: none). */
  readonly #blockFile: Int32Array;
  readonly #blockIndex: Float64Array;

  constructor(paths: readonly string[], chunkPages: number, cacheBlocks: number) {
    this.#paths = paths;
    try {
      for (const path of paths) this.#fds.push(openImage(path));
    } catch (error) {
      this.close();
      throw error;
    }
    this.#chunk = Buffer.alloc(chunkPages * PAGE_SIZE);
    this.#blocks = Buffer.alloc(cacheBlocks * BLOCK_BYTES);
    this.#blockFile = new Int32Array(cacheBlocks).fill(-1);
    this.#blockIndex = new Float64Array(cacheBlocks);
  }

  /** The chunk buffer: `readChunk` fills its first pages. */
  get chunk(): Buffer {
    return this.#chunk;
  }

  /** Reads the pages of `file` from page `first` into the chunk; returns how many (0 past the end). */
  readChunk(file: number, first: number): number {
    const bytes = this.#read(file, this.#chunk, 0, this.#chunk.length, first * PAGE_SIZE);
    this.#chunkFile = file;
    this.#chunkFirst = first;
    this.#chunkPages = Math.ceil(bytes / PAGE_SIZE);
    return this.#chunkPages;
  }

  /** Whether the chunk's page at byte `offset` holds the same bytes as page `page` of `file`. */
  samePage(offset: number, file: number, page: number): boolean {
    const end = offset + PAGE_SIZE;
    const inChunk = page - this.#chunkFirst;
    if (file === this.#chunkFile && inChunk >= 0 && inChunk < this.#chunkPages) {
      const at = inChunk * PAGE_SIZE;
      return this.#chunk.compare(this.#chunk, at, at + PAGE_SIZE, offset, end) === 0;
    }
    const at = this.#cachedBlock(file, Math.floor(page / BLOCK_PAGES)) + (page % BLOCK_PAGES) * PAGE_SIZE;
    return this.#chunk.compare(this.#blocks, at, at + PAGE_SIZE, offset, end) === 0;
  }

  close(): void {
    for (const fd of this.#fds) closeSync(fd);
    this.#fds.length = 0;
  }

  /** Byte offset in `#blocks` of block `block` of `file`, read on a miss. */
  #cachedBlock(file: number, block: number): number {
    // Consecutive blocks of one file land in consecutive slots, so a sequential run never evicts itself.
    const slot = (block + file * 7919) % this.#blockFile.length;
    const at = slot * BLOCK_BYTES;
    if (this.#blockFile[slot] !== file || this.#blockIndex[slot] !== block) {
      this.#read(file, this.#blocks, at, BLOCK_BYTES, block * BLOCK_BYTES);
      this.#blockFile[slot] = file;
      this.#blockIndex[slot] = block;
    }
    return at;
  }

  /**
   * Reads up to `length` bytes of `file` from `position` into `buffer` at `offset`, until full or the end of
   * the file, and pads with zeros up to the next page boundary; returns the bytes read.
   */
  #read(file: number, buffer: Buffer, offset: number, length: number, position: number): number {
    let filled = 0;
    try {
      for (let n = 1; n > 0 && filled < length; filled += n) {
        n = readSync(this.#fds[file]!, buffer, offset + filled, length - filled, position + filled);
      }
    } catch (error) {
      throw new HvsimError('unreadable-image', `cannot read: ${describeIoError(error)}`, this.#paths[file]);
    }
    buffer.fill(0, offset + filled, offset + Math.ceil(filled / PAGE_SIZE) * PAGE_SIZE);
    return filled;
  }
}

/** Opens a regular file or a block device for reading, or throws an error naming the path. */
function openImage(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const message =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file: expected the path of a file or disk image'
        : `cannot open: ${describeIoError(error)}`;
    throw new HvsimError('unreadable-image', message, path);
  }
  const stats = fstatSync(fd);
  if (!stats.isFile() && !stats.isBlockDevice()) {
    closeSync(fd);
    const what = stats.isDirectory() ? 'a directory' : 'neither a file nor a block device';
    throw new HvsimError('unreadable-image', `is ${what}: expected a file or disk image`, path);
  }
  return fd;
}
