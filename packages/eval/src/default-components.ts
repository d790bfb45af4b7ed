import { createChunker, createSegmenter, type ChunkerConfig } from '@sift/chunkers';
import { createEmbedder, createTokenizer } from '@sift/core';
import { createRetriever, type RetrieverSpec } from '@sift/retrievers';
import { createSelector, type SelectorSpec } from '@sift/selectors';
import type { EvalComponents } from './eval-components.js';
import type { TokenCounter } from './datasets/niah.js';

/** Components may be named ("bm25") or given as a spec object; each package takes the object form. */
const asSpec = (spec: unknown, key: string): unknown => (typeof spec === 'string' ? { [key]: spec } : spec);

/** The Sift packages as evaluation components. Specs are validated by the package that owns them. */
export function defaultComponents(): EvalComponents {
  let counter: Promise<TokenCounter> | undefined;
  return {
    createChunker: (config, deps) => createChunker(asSpec(config, 'chunker') as ChunkerConfig, deps ?? {}),
    createRetriever: (spec, chunks, deps) => createRetriever(asSpec(spec, 'retriever') as RetrieverSpec, chunks, deps),
    createSelector: (spec) => createSelector(spec as SelectorSpec),
    createSegmenter: (spec, deps) => {
      if (typeof spec === 'string') return createSegmenter(spec, {}, deps);
      const { name, ...options } = spec as { name?: unknown };
      return createSegmenter(String(name), options, deps);
    },
    createEmbedder: (name) => createEmbedder(name),
    // cl100k: the budget and length unit of every report, whatever tokenizer a chunker uses.
    tokenizer: () => (counter ??= createTokenizer('cl100k')),
  };
}
