// Meta-Chunking (IAAR-Shanghai/Meta-Chunking): perplexity chunking, margin-sampling chunking and dynamic merging.
export { PplChunker, PplChunkerConfigSchema, DEFAULT_PPL_LM, type PplChunkerConfig, type PplChunkerOptions } from './ppl-chunker.js';
export { MarginChunker, MarginChunkerConfigSchema, MARGIN_HISTORY, type MarginChunkerConfig, type MarginChunkerOptions } from './margin-chunker.js';
export { pplMinima, PplMinimaFinder, newThresholdState, DYNAMIC_THRESHOLD_AFTER, type PplThresholdState } from './ppl-minima.js';
export { sentenceNlls, type SentenceNllBlock, type SentenceNllOptions } from './sentence-nll.js';
export { marginPrompt, type MarginLanguage } from './margin-prompt.js';
export { loadMetaLm, trainKneserNey, usesPrebuiltKn, siftLmMarginDir, SIFT_LM_MARGIN, KN_LM, KneserNeyCorpusOptionsSchema, type KneserNeyCorpusOptions } from './load-lm.js';
export { loadKneserNeyDir, siftKnDir, defaultKnCorpusFiles, tokenizerSha256, SIFT_KN_3GRAM, KN_MODEL_FILE, KN_CONFIG_FILE, KN_HELD_OUT_FROM_YEAR, type KnModelConfig } from './kn-model.js';
export { createMetaChunker, type MetaChunkerDeps } from './create-meta-chunker.js';
