// Embeddings: the default offline encoder (USE-lite), any Hugging Face ONNX encoder, batching, caching, vector math.
export { cosine, dot, l2Norm, normalize } from './vector-math.js';
export { embedInBatches, type BatchLimits, type EmbedInBatchesOptions } from './embed-in-batches.js';
export {
  EmbeddingCache,
  EmbeddingCacheOptionsSchema,
  cacheFileName,
  textHash,
  defaultEmbeddingCacheDir,
  embeddingCacheDirFromEnv,
  DEFAULT_EMBEDDING_CACHE_MAX_BYTES,
  type EmbeddingCacheOptions,
  type EmbeddingCacheStats,
} from './embedding-cache.js';
export { CachedEmbedder, type CachedEmbedderOptions, type EmbeddedCounts } from './cached-embedder.js';
export { UseLiteEmbedder, UseLiteEmbedderOptionsSchema, type UseLiteEmbedderOptions } from './use-lite-embedder.js';
export {
  UseLiteOnnxEmbedder,
  UseLiteOnnxEmbedderOptionsSchema,
  useLiteModelDir,
  type UseLiteOnnxEmbedderOptions,
} from './use-lite-onnx-embedder.js';
export { UseLiteTokenizer } from './use-lite-tokenizer.js';
export {
  StaticEmbedder,
  StaticEmbedderOptionsSchema,
  StaticModelConfigSchema,
  staticUseLiteDir,
  STATIC_USE_LITE,
  type StaticEmbedderOptions,
  type StaticModelConfig,
} from './static-embedder.js';
export { USE_LITE_WINDOW, type LongTextPolicy, type LongTextStats, type UseLiteConfig } from './use-lite-windows.js';
export { convertTfjsToOnnx, SUPPORTED_TF_OPS, ONNX_OPSET, type ConvertedModel } from './tfjs-to-onnx/convert.js';
export { readTfjsGraphModel, type TfjsGraphModel } from './tfjs-to-onnx/tfjs-graph.js';
export { OnnxEmbedder, OnnxEmbedderOptionsSchema, type OnnxEmbedderOptions } from './onnx-embedder.js';
export { PoolingSchema, poolHidden, type Pooling } from './pooling.js';
export {
  resolveHfModelDir,
  isHubId,
  DEFAULT_MODEL_CACHE_DIR,
  HF_REQUIRED_FILES,
  HF_ONNX_FILES,
  type HfModelDir,
  type ResolveHfModelOptions,
} from './hf-model-dir.js';
export { createEmbedder, CreateEmbedderOptionsSchema, DEFAULT_EMBEDDER, BUILTIN_EMBEDDERS, type CreateEmbedderOptions } from './create-embedder.js';
export type { EmbedderWarn } from './embedder-log.js';
export { EmbedderConfigSchema, embedderConfigOf, createEmbedderFromConfig, type EmbedderConfig } from './embedder-config.js';
