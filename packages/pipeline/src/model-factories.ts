// The embedder and reranker factories, imported on first use (`await import('./model-factories.js')`): the reranker
// modules (LM, cross-encoder) build option schemas when loaded, which a BM25 `sift query` or `sift index` never needs
// (about 10 ms of each such process in the CLI bundle, where a module runs its top level only when first imported).
export { createEmbedder } from '@sift/core';
export { createReranker } from '@sift/selectors';
