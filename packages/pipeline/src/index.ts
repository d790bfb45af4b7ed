export { createPipeline } from './create-pipeline.js';
export type { Pipeline, PipelineOptions, PipelineParts, IndexInput, IndexOptions, QueryOptions, QueryResult, SelectionSummary, PipelineStats } from './pipeline-types.js';
export type { IndexResult } from './pipeline-store.js';
export {
  PipelineConfigSchema,
  parsePipelineConfig,
  chunkerNames,
  PIPELINE_DEFAULTS,
  MEMORY_INDEX,
  WHOLE_DOCUMENTS,
  type PipelineConfig,
  type ParsedPipelineConfig,
} from './pipeline-config.js';
export { loadPipelineConfig, CONFIG_FILE_NAME } from './load-pipeline-config.js';
export { checkSameEmbedder, noVectorsError, LateChunkVectors, withLateChunking, lateChunked } from './index-embedder.js';
export { retrieverSpecOf, retrieverNeedsVectors, chunkerSpecOf, givenChunkerSettings } from './resolve-components.js';
export { resolveSelector, selectorNameOf, type SelectorDeps } from './resolve-selector.js';
export { wholeDocumentChunker } from './whole-document-chunker.js';
export { isChunker, isEmbedder, isRetriever, isSelector, isReranker } from './parts.js';
