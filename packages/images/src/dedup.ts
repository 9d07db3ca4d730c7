import { hashPage } from '@hvsim/helpers';
import { InvalidInputError, PAGE_SIZE } from '@hvsim/spec';
import { ContentIndex } from './content-index';
import { ImageFiles } from './image-files';

export interface DedupCounts {
  /** 4 KiB pages, the last partial one padded with zeros. */
  readonly pages: number;
  /** Pages of zeros only (shared like any other content, and counted here as well). */
  readonly zeroPages: number;
  /** Pages whose content appears more than once in all the files: mapped to a frame shared by several. */
  readonly sharedPages: number;
  /** Pages that need no frame of their own: every page of a content but the first one (see `dedupFiles`). */
  readonly reclaimedPages: number;
}

export interface DedupFileCounts extends DedupCounts {
  readonly path: string;
}

export interface DedupReport {
  readonly files: readonly DedupFileCounts[];
  readonly total: DedupCounts;
}

export interface DedupOptions {
  /** The 64-bit hash that finds candidates (default xxhash64); equal pages must get equal hashes. */
  readonly hash?: (page: Uint8Array) => bigint;
  /** Pages read per chunk of a file (default 1024, 4 MiB). */
  readonly chunkPages?: number;
  /** 64 KiB blocks cached for the full compares (default 512, 32 MiB). */
  readonly cacheBlocks?: number;
}

const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);

/**
 * How much content-based page sharing would find in `paths` after a full scan: all their pages form one
 * population (as if each file were a VM's memory on one host), and a content held by k ≥ 2 pages is one
 * frame mapped k times, so its k pages are shared and k − 1 are reclaimed. The frame is charged to the first
 * page holding the content, in the order of `paths` then of pages, so each file's reclaimed pages are its
 * pages minus the contents it holds first, and the files' figures sum to the total.
 *
 * A hash match is only a candidate: the page is compared in full with the content's first page, read back
 * from its file, and equal hashes of different bytes stay different contents. Files are streamed in chunks;
 * memory grows with the number of distinct contents (about 45 to 90 bytes each), not with the files' size.
 */
export function dedupFiles(paths: readonly string[], options: DedupOptions = {}): DedupReport {
  const hash = options.hash ?? hashPage;
  const images = new ImageFiles(
    paths,
    positiveInteger(options.chunkPages ?? 1024, 'chunkPages'),
    positiveInteger(options.cacheBlocks ?? 512, 'cacheBlocks'),
  );
  try {
    return scan(paths, images, hash);
  } finally {
    images.close();
  }
}

function scan(paths: readonly string[], images: ImageFiles, hash: (page: Uint8Array) => bigint): DedupReport {
  const pages = new Float64Array(paths.length);
  const zeroPages = new Float64Array(paths.length);
  const contents = new ContentIndex(paths.length);
  const zeroHash = hash(ZERO_PAGE);
  const chunk = images.chunk;
  for (let file = 0; file < paths.length; file++) {
    for (let page = 0, n = images.readChunk(file, 0); n > 0; n = images.readChunk(file, page)) {
      for (let i = 0; i < n; i++, page++) {
        const offset = i * PAGE_SIZE;
        const h = hash(chunk.subarray(offset, offset + PAGE_SIZE));
        if (h === zeroHash && chunk.compare(ZERO_PAGE, 0, PAGE_SIZE, offset, offset + PAGE_SIZE) === 0) {
          zeroPages[file]!++;
          contents.addZero(file);
        } else contents.add(h, images, offset, file, page);
      }
      pages[file]! += n;
    }
  }
  const files = paths.map((path, f) => ({
    path,
    pages: pages[f]!,
    zeroPages: zeroPages[f]!,
    sharedPages: pages[f]! - contents.single[f]!,
    reclaimedPages: pages[f]! - contents.first[f]!,
  }));
  // The total counts contents over all files; the per-file figures, charged by first page, add up to it.
  const total = pages.reduce((a, b) => a + b, 0);
  return {
    files,
    total: {
      pages: total,
      zeroPages: zeroPages.reduce((a, b) => a + b, 0),
      sharedPages: total - contents.unshared,
      reclaimedPages: total - contents.distinct,
    },
  };
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(field, `expected a whole number of at least 1, got ${value}`);
  }
  return value;
}
