export { createAnalyzer, AnalyzerOptionsSchema, type Analyzer, type AnalyzerOptions, type ResolvedAnalyzerOptions } from './analyzer.js';
export { ENGLISH_STOP_WORDS } from './stopwords.js';
export {
  Bm25ParamsSchema,
  Bm25OptionsSchema,
  type Bm25Params,
  type Bm25Options,
  type ResolvedBm25Options,
} from './bm25-options.js';
export { Bm25Index, type Bm25Hit, type Bm25Stats } from './bm25-index.js';
export { BM25_FORMAT_VERSION } from './bm25-format.js';
export { Bm25Retriever } from './bm25-retriever.js';
export { TopK, type RowScore } from './top-k.js';
