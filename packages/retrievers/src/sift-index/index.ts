export { SiftIndex } from './sift-index.js';
export {
  CreateIndexOptionsSchema,
  type CreateIndexOptions,
  type AddOptions,
  type AddResult,
  type IndexStats,
} from './sift-index-options.js';
export type { IndexExtension, IndexBatchContext } from './index-extension.js';
export {
  ManifestSchema,
  MANIFEST_FILE,
  BM25_FILE,
  LANCE_DIR,
  INDEX_FORMAT_VERSION,
  type Manifest,
  type EmbedderInfo,
  type ChunkerInfo,
} from './manifest.js';
export { IndexBm25Retriever } from './index-bm25-retriever.js';
