import {
  type ContentId,
  type ContentInterner,
  createRandom,
  HvsimError,
  InvalidInputError,
  PAGE_SIZE,
} from '@hvsim/spec';
import type { ContentModel } from './content-model';

/** Largest pool: 4 GiB of bytes in the content store. */
export const MAX_GENERATED_POOL = 2 ** 20;

/** Each page is cut into chunks of this many bytes, each random bytes followed by a run of one byte. */
const CHUNK = 512;

export interface GeneratedOptions {
  /** Share of each page a codec can remove: 0 is random bytes, 0.75 about 4:1. */
  readonly compressibility: number;
  /** Distinct pages; page `vpn` holds pool page `vpn mod pool`. */
  readonly pool: number;
  /** Which pages: the same options and salt make the same pages in every VM. */
  readonly salt: number;
}

/**
 * Real contents of a stated compressibility, made up rather than read from a file: as fio's
 * buffer_compress_percentage does, every 512-byte chunk of a page is random bytes followed by a run of one
 * byte that is `compressibility` of the chunk, so a real codec removes about that share of the page. Pages are
 * made on first use and interned in the host's content store, where engines that compress or hash real bytes
 * find them; only their ids stay here (8 bytes a page).
 */
export class GeneratedContent implements ContentModel {
  readonly model = 'generated';
  readonly options: GeneratedOptions;
  readonly #contents: ContentInterner;
  /** Pool page ids, −1 until made. */
  readonly #ids: Float64Array;
  readonly #page = new Uint8Array(PAGE_SIZE);

  constructor(options: GeneratedOptions, contents: ContentInterner | undefined) {
    if (!contents) {
      throw new HvsimError(
        'no-content-store',
        "the generated content model needs the host's content store",
        'content.model',
      );
    }
    const { compressibility, pool } = options;
    if (!(compressibility >= 0 && compressibility <= 1)) {
      throw new InvalidInputError('compressibility', `expected a share in [0, 1], got ${compressibility}`);
    }
    if (!(Number.isInteger(pool) && pool >= 1 && pool <= MAX_GENERATED_POOL)) {
      throw new InvalidInputError(
        'pool',
        `expected a whole number in [1, ${MAX_GENERATED_POOL}], got ${pool}`,
      );
    }
    this.options = options;
    this.#contents = contents;
    this.#ids = new Float64Array(pool).fill(-1);
  }

  contentFor(vpn: number): ContentId {
    const slot = vpn % this.#ids.length;
    const id = this.#ids[slot]!;
    return id >= 0 ? id : this.#make(slot);
  }

  #make(slot: number): ContentId {
    const random = createRandom(this.options.salt).split(`generated:${slot}`);
    const page = this.#page;
    const randomBytes = Math.round(CHUNK * (1 - this.options.compressibility));
    for (let chunk = 0; chunk < PAGE_SIZE; chunk += CHUNK) {
      let word = 0;
      for (let i = 0; i < randomBytes; i++) {
        if ((i & 3) === 0) word = random.nextU32();
        page[chunk + i] = word >>> ((i & 3) * 8);
      }
      // A run of a non-zero byte: even a wholly compressible page is not the zero page.
      page.fill(1 + random.nextInt(255), chunk + randomBytes, chunk + CHUNK);
    }
    const id = this.#contents.intern(page);
    this.#ids[slot] = id;
    return id;
  }
}
