import type { Chunk, Chunker, Embedder, Retriever, RunOptions, Segmenter, Selector } from '@sift/core';
import type { TokenCounter } from './datasets/niah.js';

/**
 * The pipeline factories an evaluation calls. `runEval` uses the Sift packages by default; tests and users
 * can swap any of them (a custom retriever, a fake embedder) without touching the harness.
 */
export interface EvalComponents {
  createChunker(config: unknown): Promise<Chunker>;
  createRetriever(spec: unknown, chunks: readonly Chunk[], deps: RunOptions & { embedder?: Embedder }): Promise<Retriever>;
  createSelector(spec: unknown): Selector;
  createSegmenter(spec: unknown, deps: { embedder?: Embedder }): Promise<Segmenter>;
  createEmbedder(name: string): Promise<Embedder>;
  /** Measures every token figure of a report (budgets, tokens per query, NIAH lengths), whatever the chunker uses. */
  tokenizer(): Promise<TokenCounter>;
}
