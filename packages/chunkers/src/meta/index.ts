// Meta-Chunking (IAAR-Shanghai/Meta-Chunking): perplexity chunking, margin-sampling chunking and dynamic merging.
export { PplChunker, PplChunkerConfigSchema, DEFAULT_PPL_LM, type PplChunkerConfig, type PplChunkerOptions } from './ppl-chunker.js';
export { MarginChunker, MarginChunkerConfigSchema, MARGIN_HISTORY, type MarginChunkerConfig, type MarginChunkerOptions } from './margin-chunker.js';
export { pplMinima, PplMinimaFinder, newThresholdState, DYNAMIC_THRESHOLD_AFTER, type PplThresholdState } from './ppl-minima.js';
export { sentenceNlls, type SentenceNllBlock, type SentenceNllOptions } from './sentence-nll.js';
export { marginPrompt, type MarginLanguage } from './margin-prompt.js';
export { loadMetaLm, trainKneserNey, siftLmMarginDir, SIFT_LM_MARGIN, KN_LM, KneserNeyCorpusOptionsSchema, type KneserNeyCorpusOptions } from './load-lm.js';
export { createMetaChunker, type MetaChunkerDeps } from './create-meta-chunker.js';
