// The embedder and reranker factories, imported on first use (`await import('./model-factories.js')`): their modules
// build option schemas and model registries when loaded, which a BM25 `sift query` or `sift index` never needs (about
// 20 ms of each such process in the CLI bundle, where a module runs its top level only when first imported).
export { createEmbedder } from '@sift/core';
export { createReranker } from '@sift/selectors';
