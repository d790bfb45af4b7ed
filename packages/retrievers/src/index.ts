export * from './dense/index.js';
export * from './graph/index.js';
export * from './bm25/index.js';
export * from './sift-index/index.js';
export * from './lance/index.js';
export * from './infiniretri/index.js';
export { createRetriever, type RetrieverDeps } from './create-retriever.js';
export { parseRetrieverSpec } from './parse-retriever-spec.js';
export {
  Bm25SpecSchema,
  RetrieverSpecSchema,
  RETRIEVER_NAMES,
  type Bm25Spec,
  type RetrieverSpec,
  type ResolvedRetrieverSpec,
} from './retriever-spec.js';
export * from './remote/index.js';
