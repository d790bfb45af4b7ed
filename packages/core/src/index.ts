export { SiftError, ERROR_CODES, type SiftErrorCode } from './errors.js';
export {
  throwIfAborted,
  notifyProgress,
  yieldToEventLoop,
  mergeSignals,
  collect,
  type Progress,
  type ProgressCallback,
  type RunOptions,
} from './abort.js';
export type {
  Document,
  Chunk,
  ScoredChunk,
  Chunker,
  Segmenter,
  Embedder,
  CausalLM,
  GenerateOptions,
  Retriever,
  Reranker,
  Selection,
  Selector,
} from './types.js';
export { DocumentSchema, ChunkSchema, TokenizerNameSchema, type TokenizerName } from './schemas.js';
