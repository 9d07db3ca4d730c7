const CHUNK_BITS = 12;
const CHUNK_BLOCKS = 1 << CHUNK_BITS;

/**
 * A number per (disk image, block), for engines that key pages by the disk block they were read from (Disco,
 * Satori): per image, chunks of 2¹² blocks in typed arrays of the engine's choosing, allocated (zeroed) as
 * blocks in their range are first looked up — no string key, no hashing, no boxed number per block, and a
 * stream of blocks walks memory in order. A fresh chunk holds zeros, so an engine stores its values such that
 * 0 means none. The image last looked up is kept at hand. Blocks stay below 2³¹.
 */
export class BlockTable<Chunk extends Int32Array | Float64Array> {
  /** Blocks per chunk: a chunk holds blocks [`chunkStart(block)`, that + `CHUNK_BLOCKS`). */
  static readonly CHUNK_BLOCKS = CHUNK_BLOCKS;
  readonly #create: (length: number) => Chunk;
  readonly #images = new Map<string, (Chunk | undefined)[]>();
  #lastImage: string | undefined;
  #lastChunks: (Chunk | undefined)[] = [];

  /** `create` makes a chunk: a zeroed typed array of the given length. */
  constructor(create: (length: number) => Chunk) {
    this.#create = create;
  }

  /** The first block of `block`'s chunk: `block`'s value is at `block − chunkStart(block)` in its chunk. */
  static chunkStart(block: number): number {
    return block & ~(CHUNK_BLOCKS - 1);
  }

  /** The chunk holding `block`'s value, allocated on first use. */
  chunk(image: string, block: number): Chunk {
    const chunks = this.#chunks(image);
    const index = block >>> CHUNK_BITS;
    let chunk = chunks[index];
    if (chunk === undefined) {
      chunk = this.#create(CHUNK_BLOCKS);
      chunks[index] = chunk;
    }
    return chunk;
  }

  #chunks(image: string): (Chunk | undefined)[] {
    if (image === this.#lastImage) return this.#lastChunks;
    let chunks = this.#images.get(image);
    if (chunks === undefined) {
      chunks = [];
      this.#images.set(image, chunks);
    }
    this.#lastImage = image;
    this.#lastChunks = chunks;
    return chunks;
  }
}
