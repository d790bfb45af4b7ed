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
  AttentionOptions,
  CausalLM,
  GenerateOptions,
  TokenLogprobModel,
  TokenLogprobsOptions,
  Retriever,
  Reranker,
  Selection,
  Selector,
  LLM,
  LlmOptions,
} from './types.js';
export { seededRandom } from './random.js';
export { makeDir } from './make-dir.js';
export { DocumentSchema, ChunkSchema, TokenizerNameSchema, type TokenizerName } from './schemas.js';
export * from './text/index.js';
export * from './io/index.js';
export * from './embed/index.js';
export * from './onnx/index.js';
export * from './lm/index.js';
export * from './rerank/index.js';
