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
export { M2Embedder, M2EmbedderOptionsSchema, siftM2MiniDir, type M2EmbedderOptions } from './m2/m2-embedder.js';
export { SIFT_M2_MINI } from './m2/m2-config.js';
export { supportsLateChunking, type LateChunkingEmbedder, type CharSpan } from './m2/late-chunking.js';
export { buildM2Graph, M2_OPSET, DEFAULT_M2_RADIX, type M2GraphOptions } from './m2/m2-graph.js';
export { loadM2Checkpoint } from './m2/m2-checkpoint.js';
export { M2ConfigSchema, parseM2Config, readM2Config, isM2Folder, m2SequenceLength, type M2Config } from './m2/m2-config.js';
export { m2WeightsFrom, type M2Weights } from './m2/m2-weights.js';
export { m2ReferenceForward, type M2ReferenceOutput } from './m2/m2-reference.js';
export { randomM2Tensors, randomM2Config, type RandomM2Options } from './m2/m2-random.js';
export { readSafetensors, parseSafetensors, encodeSafetensors, type SafeTensor } from './m2/safetensors.js';
export { defaultM2GraphCacheDir } from './m2/m2-graph-cache.js';
export { buildAttentionEncoderGraph, type AttentionEncoderOptions } from './m2/attention-graph.js';
