// Dense and hybrid retrieval: HNSW (hnswlib-node), exact flat search, LanceDB vector + full-text search, weighted RRF.
export { HnswIndex, hnswFileNames, HNSW_FILE, HNSW_LABELS_FILE, HNSW_FORMAT_VERSION, type HnswHit, type HnswSearchOptions } from './hnsw-index.js';
export { HnswOptionsSchema, type HnswOptions, type ResolvedHnswOptions } from './hnsw-options.js';
export { tuneEf, EF_LADDER, TUNING_MARGIN, type EfTuning, type TunableGraph } from './hnsw-ef-tune.js';
export { FlatIndex, type FlatHit } from './flat-index.js';
export { DenseRetriever } from './dense-retriever.js';
export { DenseOptionsSchema, type DenseOptions, type ResolvedDenseOptions } from './dense-options.js';
export { reciprocalRankFusion, type FusionLeg, type RrfOptions } from './rrf.js';
export { HybridRetriever } from './hybrid-retriever.js';
export { FusionOptionsSchema, FusionFieldsSchema, type FusionOptions, type ResolvedFusionOptions } from './hybrid-options.js';
export { LanceDenseRetriever } from './lance-dense-retriever.js';
export { LanceDenseOptionsSchema, type LanceDenseOptions, type ResolvedLanceDenseOptions } from './lance-dense-options.js';
export { LanceFtsRetriever, LanceFtsOptionsSchema, type LanceFtsOptions } from './lance-fts-retriever.js';
export { DenseSpecSchema, HybridSpecSchema, DenseLegSchema, type DenseSpec, type HybridSpec, type DenseLeg } from './dense-spec.js';
export { createDenseRetriever, createHybridRetriever } from './create-dense-retrievers.js';
export { hnswSideIndex, HNSW_SIDE_INDEX, hnswStem } from './hnsw-side-index.js';
export { HnswRetriever } from './hnsw-retriever.js';
export { indexDenseRetriever, indexHybridRetriever } from './index-dense.js';
