import * as chunkers from '@sift/chunkers';
import { createSegmenter } from '@sift/chunkers';
import { createRetriever } from '@sift/retrievers';
import { createSelector } from '@sift/selectors';
import { createEmbedder, createTokenizer, SiftError, type Chunker } from '@sift/core';
import type { EvalComponents } from './eval-components.js';
import type { TokenCounter } from './datasets/niah.js';

type AnyFn = (...args: unknown[]) => unknown;

// TEMPORARY bridge while createChunker lands in parallel: look the factories up by
// name so this file compiles before they exist. Replaced by plain imports once they are committed.
function factory(mod: object, name: string, pkg: string): AnyFn {
  const f = (mod as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new SiftError('E_DEPENDENCY_MISSING', `${pkg} has no ${name} yet`);
  return f as AnyFn;
}

/** A name or `{retriever: name, ...}`; the retriever package takes the object form. */
function retrieverSpec(spec: unknown): unknown {
  return typeof spec === 'string' ? { retriever: spec } : spec;
}

/** The Sift packages as evaluation components. */
export function defaultComponents(): EvalComponents {
  let counter: Promise<TokenCounter> | undefined;
  return {
    createChunker: async (config) => (await factory(chunkers, 'createChunker', '@sift/chunkers')(typeof config === 'string' ? { chunker: config } : config)) as Chunker,
    createRetriever: (spec, chunks, deps) => createRetriever(retrieverSpec(spec) as never, chunks, deps),
    createSelector: (spec) => createSelector(spec as never),
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
