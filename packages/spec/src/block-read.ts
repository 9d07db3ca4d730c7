import type { ContentId, Ppn } from './ids';

/**
 * One read request of a guest's virtual disk, as its block device issues it: the pages a page-cache miss
 * and its readahead fill, each with its block, the image the block is read from and the contents the disk
 * holds there. Struct-of-arrays, one per guest and reused for every request, so a request allocates nothing.
 * A sharing-aware device (Satori) sees the whole request at once, as Xen's block tap does, and marks in
 * `shared` the pages it filled by sharing; the guest reads the rest from the disk.
 */
export interface BlockRead {
  /** Entries of this request; the arrays hold as many as the request was created for. */
  length: number;
  readonly ppns: Int32Array;
  readonly blocks: Int32Array;
  /** The image each block is read from: the base image, or the VM's own overlay for a block it wrote back. */
  readonly images: string[];
  readonly contents: Float64Array;
  /**
   * 1 where the device filled the page by mapping a shared frame, 0 elsewhere: set by the device for every
   * entry when it filled any (it returns how many), left as it was when it filled none.
   */
  readonly shared: Uint8Array;
}

/** An empty request with room for `capacity` pages. */
export function createBlockRead(capacity: number): BlockRead {
  return {
    length: 0,
    ppns: new Int32Array(capacity),
    blocks: new Int32Array(capacity),
    images: new Array<string>(capacity).fill(''),
    contents: new Float64Array(capacity),
    shared: new Uint8Array(capacity),
  };
}

/** Appends a page to fill to the request. */
export function addBlock(read: BlockRead, ppn: Ppn, image: string, block: number, content: ContentId): void {
  const i = read.length++;
  read.ppns[i] = ppn;
  read.images[i] = image;
  read.blocks[i] = block;
  read.contents[i] = content;
}
