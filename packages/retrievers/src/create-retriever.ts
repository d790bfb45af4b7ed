import type { CausalLM, Chunk, Embedder, Retriever, RunOptions } from '@sift/core';
import { Bm25Retriever } from './bm25/bm25-retriever.js';
import { createDenseRetriever, createHybridRetriever } from './dense/create-dense-retrievers.js';
import { GraphRetriever } from './graph/graph-retriever.js';
import { InfiniRetriRetriever, type DocumentTextGetter } from './infiniretri/infiniretri-retriever.js';
import { parseRetrieverSpec } from './parse-retriever-spec.js';
import type { RetrieverSpec } from './retriever-spec.js';

/** What a retriever may need besides its spec; dense retrievers need an embedder. */
export interface RetrieverDeps extends RunOptions {
  embedder?: Embedder;
  /** infiniretri: the causal LM to read with (else its `lm` option is loaded). */
  lm?: CausalLM;
  /** infiniretri over a first stage: a document's whole text (else it is read from its chunks). */
  documentText?: DocumentTextGetter;
}

/** An in-memory retriever over `chunks`, chosen and configured by `spec` (validated). */
export async function createRetriever(spec: RetrieverSpec | string, chunks: readonly Chunk[], deps: RetrieverDeps = {}): Promise<Retriever> {
  const s = parseRetrieverSpec(spec);
  switch (s.retriever) {
    case 'bm25': {
      const { retriever: _, ...options } = s;
      return Bm25Retriever.create(chunks, options, deps);
    }
    case 'dense':
      return createDenseRetriever(s, chunks, deps);
    case 'hybrid':
      return createHybridRetriever(s, chunks, deps);
    case 'graph': {
      const { retriever: _, first, ...options } = s;
      return GraphRetriever.create(await createRetriever(first as RetrieverSpec, chunks, deps), chunks, options, deps);
    }
    case 'infiniretri': {
      const { retriever: _, first, ...options } = s;
      const firstStage = first === undefined ? undefined : await createRetriever(first as RetrieverSpec, chunks, deps);
      return InfiniRetriRetriever.create(chunks, options, { ...deps, ...(firstStage ? { first: firstStage } : {}) });
    }
  }
}
