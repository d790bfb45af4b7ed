export { SiftIndex } from './sift-index.js';
export {
  CreateIndexOptionsSchema,
  OpenIndexOptionsSchema,
  AddOptionsSchema,
  SideIndexOptionsSchema,
  type CreateIndexOptions,
  type OpenIndexOptions,
  type AddOptions,
  type AddResult,
  type IndexStats,
  type RemoveResult,
} from './sift-index-options.js';
export type { SideIndexKind, SideIndexBuilder, SideIndexBeginContext, CommittedChunks } from './side-index.js';
export { registerSideIndex } from './side-index-registry.js';
export type { VerifyReport } from './verify-index.js';
export {
  ManifestSchema,
  EmbedderInfoSchema,
  ChunkerInfoSchema,
  SideIndexRecordSchema,
  MANIFEST_FILE,
  BM25_FILE,
  LANCE_DIR,
  INDEX_FORMAT_VERSION,
  type Manifest,
  type EmbedderInfo,
  type ChunkerInfo,
  type SideIndexRecord,
} from './manifest.js';
export { IndexBm25Retriever } from './index-bm25-retriever.js';
