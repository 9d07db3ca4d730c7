/**
 * @hvsim/helpers — implementation helpers that several hvsim packages share and no contract needs: typed-array
 * hash tables, a queue of pages, and the hashing of a page's bytes.
 */
export { ContentNumbers } from './content-numbers';
export { grown } from './grown';
export { HashTable } from './hash-table';
export { type HashWords, hashPage, hashPageWords, splitHash } from './page-hash';
export { PageQueue } from './page-queue';
export { MAX_WORD_MAP_VALUE, WordMap } from './word-map';
