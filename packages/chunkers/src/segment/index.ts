// Topical segmentation: segmenters over sentence lists (boundary indices) and the chunker that wraps them.
export { createSegmenter, SEGMENTER_NAMES, EMBEDDING_SEGMENTERS, type SegmenterName, type SegmenterDeps } from './create-segmenter.js';
export { TextTilingSegmenter, TextTilingOptionsSchema, nltkWords, nltkSmooth, type TextTilingOptions, type TextTilingTrace } from './texttiling.js';
export { C99Segmenter, C99OptionsSchema, stemTokens, bagOfStemsCosine, rankTransform, c99FromSimilarity, type C99Options } from './c99.js';
export { EmbeddingDepthSegmenter, EmbeddingDepthOptionsSchema, type EmbeddingDepthOptions } from './embedding-depth.js';
export { SemanticSegmenter, SemanticSegmenterOptionsSchema, percentile, type SemanticSegmenterOptions } from './semantic-segmenter.js';
export { PairClassifierSegmenter, PairClassifierOptionsSchema, type PairClassifierOptions } from './pair-classifier.js';
export { DEFAULT_PAIR_MODEL_DIR, PairModelConfigSchema, loadPairModel, savePairModel, type PairModelConfig } from './pair-model-files.js';
export { pairFeatures, pairProbabilities, encodeWeights, decodeWeights, type PairMlpWeights } from './pair-mlp.js';
export { trainPairMlp, pairAccuracy, type TrainPairMlpOptions, type PairExamples } from './train-pair-mlp.js';
export { trainPairSegmenter, type TrainPairSegmenterOptions, type TrainPairSegmenterReport } from './train-pair-segmenter.js';
export { buildPairDataset, type PairCorpusDoc, type SentencePair, type PairDatasetOptions } from './pair-dataset.js';
export { embedSentences, type VectorSegmenter } from './vector-segmenter.js';
export { windowSimilarity } from './window-similarity.js';
export { savitzkyGolay } from './savitzky-golay.js';
export { depthScores } from './depth-scores.js';
export { ENGLISH_STOPWORDS } from './stopwords-en.js';
export { SegmentChunker, SegmentChunkerOptionsSchema, createSegmentChunker, type SegmentChunkerOptions, type SentenceSpan } from './segment-chunker.js';
export { SEGMENT_CHUNKERS, SegmentChunkerConfigSchema, type SegmentChunkerConfig } from './segment-chunker-config.js';
