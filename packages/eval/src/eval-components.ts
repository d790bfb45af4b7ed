import type { Chunk, Chunker, Embedder, Retriever, RunOptions, Segmenter, Selector } from '@sift/core';
import type { TokenCounter } from './datasets/niah.js';

/**
 * The pipeline factories an evaluation calls. `runEval` uses the Sift packages by default; tests and users
 * can swap any of them (a custom chunker, a fake embedder) without touching the harness. The retrieval task ranks
 * through `@sift/pipeline` over an on-disk index (swap its parts with `runEval(…, { parts })`); `createRetriever`
 * builds the in-memory retrievers of the chunking and NIAH tasks, which index one document at a time.
 */
export interface EvalComponents {
  /** `deps.embedder`: for the embedding chunkers (semantic, embedding-depth, pair-classifier). */
  createChunker(config: unknown, deps?: { embedder?: Embedder }): Promise<Chunker>;
  createRetriever(spec: unknown, chunks: readonly Chunk[], deps: RunOptions & { embedder?: Embedder }): Promise<Retriever>;
  createSelector(spec: unknown): Selector;
  createSegmenter(spec: unknown, deps: { embedder?: Embedder }): Promise<Segmenter>;
  createEmbedder(name: string): Promise<Embedder>;
  /** Measures every token figure of a report (budgets, tokens per query, NIAH lengths), whatever the chunker uses. */
  tokenizer(): Promise<TokenCounter>;
}
