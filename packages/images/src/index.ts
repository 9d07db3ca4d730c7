export {
  type DedupCounts,
  type DedupFileCounts,
  type DedupOptions,
  type DedupReport,
  dedupFiles,
} from './dedup';
