const CHUNK_BITS = 12;
const CHUNK_BLOCKS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_BLOCKS - 1;

/**
 * A number per (base image, block), for engines that key pages by the disk block they were read from (Disco,
 * Satori): per image, chunks of 2¹² blocks in typed arrays, allocated as blocks in their range are first
 * set, so a lookup is two indexings — no string key, no hashing, no boxed number — and a stream of blocks
 * walks memory in order. The image last looked up is kept at hand. Blocks stay below 2³².
 */
export class BlockTable {
  readonly #images = new Map<string, (Float64Array | undefined)[]>();
  #lastImage: string | undefined;
  #lastChunks: (Float64Array | undefined)[] = [];

  /** The value of the block, or undefined when none was set. */
  get(image: string, block: number): number | undefined {
    const chunk = this.#chunks(image)[block >>> CHUNK_BITS];
    if (chunk === undefined) return undefined;
    const value = chunk[block & CHUNK_MASK]!;
    return Number.isNaN(value) ? undefined : value; // NaN: no value
  }

  set(image: string, block: number, value: number): void {
    const chunks = this.#chunks(image);
    const index = block >>> CHUNK_BITS;
    let chunk = chunks[index];
    if (chunk === undefined) {
      chunk = new Float64Array(CHUNK_BLOCKS).fill(Number.NaN); // NaN: no value
      chunks[index] = chunk;
    }
    chunk[block & CHUNK_MASK] = value;
  }

  #chunks(image: string): (Float64Array | undefined)[] {
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
